package dev.llmops.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.CallContext;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.LlmException.ErrorDetails;
import dev.llmops.api.ProviderUnavailableException;
import dev.llmops.api.audit.AuditEvent;
import dev.llmops.core.LlmClient;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.accounting.InMemoryLedger;
import dev.llmops.core.accounting.LedgerRecord;
import dev.llmops.core.audit.AuditLog;
import dev.llmops.core.transcript.TranscriptStore;
import dev.llmops.testkit.FakeReply;
import dev.llmops.testkit.Fault;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * No PII or secret placed anywhere in a call (prompt, tenant, feature, tags, response, error
 * message, error headers) appears raw in any log line, span attribute or event, metric attribute,
 * transcript or audit line, with content capture, transcripts and a failing listener all on. The
 * ledger holds no content at all (no prompt, answer, metadata, tag or error text); it keeps the
 * attribution identifiers (tenant, subject, feature) exactly as the context gave them, which is
 * what attribution needs and what its documentation says.
 */
class LeakPropertyTest {

  @Property(tries = 60)
  void secretsNeverLeakIntoAnySink(@ForAll("secrets") String secret, @ForAll boolean fail) {
    OtelFixture f = new OtelFixture();
    TranscriptStore transcripts = TranscriptStore.builder().clock(f.clock).build();
    CallListener throwing = new CallListener() {
      @Override
      public void callEnd(CallInfo call, ChatResponse response) {
        throw new IllegalStateException("listener saw " + response.text());
      }

      @Override
      public void callFailed(CallInfo call, Throwable error) {
        throw new IllegalStateException("listener saw " + error.getMessage());
      }
    };
    InMemoryLedger ledger = InMemoryLedger.create();
    LlmClient client = f.client(f.instrumentation(GenAiConventions.V1_41, true))
        .accounting(Accounting.builder().ledger(ledger).build())
        .listener(transcripts)
        .listener(throwing)
        .build();
    if (fail) {
      f.primary.failWith(Fault.error("leaky", model -> new ProviderUnavailableException(
          "upstream said: invalid credentials " + secret,
          ErrorDetails.of("openai", model).withHttpStatus(502).withHeaders(Map.of("x-echo", secret)), null)))
          .always();
    } else {
      f.primary.enqueue(FakeReply.text("Here you go: " + secret + " as asked."));
    }
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (PrintStream err = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setErr(err);
      CompletableFuture<Completion> call = client.request(ChatRequest.builder().model("smart")
              .system("You help with " + secret).user("please store " + secret).metadata("note", secret).build())
          .context(CallContext.ofTenant("t-" + secret).withFeature(secret).withSubject(secret).withTag("k", secret))
          .callAsync();
      f.clock.advance(Duration.ofSeconds(5));
      assertThat(call).isDone();
      AuditLog.create().record(new AuditEvent(f.clock.instant(), AuditEvent.BUDGET_CHANGED, "tenant " + secret,
          secret, "10.00", "20.00", Map.of("reason", secret)));
    } finally {
      System.setErr(original);
    }

    String logs = captured.toString(StandardCharsets.UTF_8);
    assertThat(logs).as("the logs were captured").contains("listener").contains("llmops.audit");
    assertThat(logs).doesNotContain(secret);
    for (SpanData span : f.spans()) {
      span.getAttributes().forEach((k, v) -> assertThat(String.valueOf(v)).as(k.getKey()).doesNotContain(secret));
      span.getEvents().forEach(e -> e.getAttributes().forEach((k, v) ->
          assertThat(String.valueOf(v)).as(k.getKey()).doesNotContain(secret)));
      assertThat(span.getName()).doesNotContain(secret);
    }
    assertThat(f.spans()).isNotEmpty();
    for (MetricData m : f.metricsByName().values()) {
      assertThat(m.getData().getPoints()).allSatisfy(p -> p.getAttributes().forEach((k, v) ->
          assertThat(String.valueOf(v)).as(m.getName() + " " + k.getKey()).doesNotContain(secret)));
    }
    assertThat(ledger.records()).as("one record per attempt").isNotEmpty();
    for (LedgerRecord r : ledger.records()) {
      assertThat(r.tenant()).isEqualTo("t-" + secret);
      assertThat(r.subject()).isEqualTo(secret);
      assertThat(r.feature()).isEqualTo(secret);
      LedgerRecord withoutIdentifiers = new LedgerRecord(r.callId(), r.attempt(), r.at(), r.outcome(), r.endpoint(),
          r.provider(), r.model(), null, null, null, r.apiKeyId(), r.promptName(), r.promptVersion(),
          r.experimentKey(), r.variant(), r.shadow(), r.usage(), r.cost(), r.saved());
      assertThat(withoutIdentifiers.toString()).as("the ledger holds no content").doesNotContain(secret);
    }
    assertThat(transcripts.all()).hasSize(1);
    assertThat(transcripts.all().toString()).doesNotContain(secret);
    assertThat(transcripts.bySubject(secret)).hasSize(1);
    assertThat(transcripts.purgeSubject(secret)).isEqualTo(1);
  }

  @Provide
  Arbitrary<String> secrets() {
    Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(2).ofMaxLength(10);
    Arbitrary<String> token = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
        .withCharRange('0', '9').ofMinLength(36).ofMaxLength(44)
        .filter(t -> t.chars().anyMatch(Character::isDigit) && t.chars().distinct().count() >= 10);
    return Arbitraries.oneOf(
        Combinators.combine(word, word).as((u, d) -> u + "." + d + "@example.com"),
        Combinators.combine(Arbitraries.of("sk-proj-", "sk-ant-api03-", "ghp_", "glpat-", "sk_live_"), token)
            .as((p, t) -> p + t),
        Arbitraries.longs().between(400_000_000_000_000L, 499_999_999_999_999L).map(LeakPropertyTest::card),
        Arbitraries.integers().between(100, 665).map(a -> a + "-45-6789"),
        Arbitraries.longs().between(2_000_000_000L, 9_999_999_999L).map(n -> "+1 " + n / 10_000_000 + " "
            + (n / 10_000) % 1000 + " " + String.format("%04d", n % 10_000)),
        Arbitraries.of("DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432"));
  }

  private static String card(long payload) {
    String p = Long.toString(payload);
    for (int d = 0; d <= 9; d++) {
      int sum = 0;
      String c = p + d;
      for (int k = 0; k < c.length(); k++) {
        int v = c.charAt(c.length() - 1 - k) - '0';
        sum += k % 2 == 1 ? (v * 2 > 9 ? v * 2 - 9 : v * 2) : v;
      }
      if (sum % 10 == 0) {
        return c;
      }
    }
    throw new AssertionError("unreachable");
  }
}
