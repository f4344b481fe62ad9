package dev.llmops.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.AttemptInfo;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.core.LlmClient;
import dev.llmops.core.redaction.RedactingLogger.CallMdc;
import dev.llmops.core.resilience.Resilience;
import dev.llmops.testkit.Fault;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The instrumentation gives each call the ids of its current span as the neutral call attributes
 * llmops-core puts in the MDC when it logs on the call's behalf.
 */
class CallIdsForLogsTest {
  private final OtelFixture f = new OtelFixture();

  /** Notes the ids the call carries at each attempt's end and at the call's end. */
  static final class Noting implements CallListener {
    final List<@Nullable String> attemptSpanIds = new ArrayList<>();
    @Nullable String traceId;
    @Nullable String spanId;

    @Override
    public void attemptFailed(AttemptInfo attempt, Throwable error) {
      attemptSpanIds.add(attempt.call().attributes().getOrNull(CallMdc.SPAN_ID_ATTRIBUTE));
    }

    @Override
    public void attemptEnd(AttemptInfo attempt, ChatResponse response) {
      attemptSpanIds.add(attempt.call().attributes().getOrNull(CallMdc.SPAN_ID_ATTRIBUTE));
    }

    @Override
    public void callEnd(CallInfo call, ChatResponse response) {
      traceId = call.attributes().getOrNull(CallMdc.TRACE_ID_ATTRIBUTE);
      spanId = call.attributes().getOrNull(CallMdc.SPAN_ID_ATTRIBUTE);
    }
  }

  @Test
  void theCallCarriesItsSpansIdsAndEachRetryItsAttemptSpan() {
    Noting noting = new Noting();
    f.primary.failWith(Fault.overloaded()).once();
    try (LlmClient client = f.client(f.instrumentation(GenAiConventions.V1_41, false)).listener(noting)
        .resilience(Resilience.builder().maxAttempts(2).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).build())
        .build()) {
      CompletableFuture<Completion> call = client.chatAsync(ChatRequest.of("hi"));
      f.clock.advance(Duration.ofSeconds(5));
      assertThat(call.join().text()).isNotEmpty();
    }
    List<SpanData> spans = f.spans();
    SpanData callSpan = spans.stream().filter(s -> !s.getParentSpanContext().isValid()).findFirst().orElseThrow();
    assertThat(noting.traceId).isEqualTo(callSpan.getTraceId()).hasSize(32);
    // From the second attempt on, each attempt has a span of its own, which is the current one.
    List<String> attemptSpans = spans.stream().filter(s -> s.getParentSpanContext().isValid())
        .map(SpanData::getSpanId).toList();
    assertThat(noting.attemptSpanIds).hasSize(2);
    assertThat(attemptSpans).contains(noting.attemptSpanIds.get(1));
    assertThat(noting.spanId).isEqualTo(noting.attemptSpanIds.get(1)).hasSize(16);
  }

  @Test
  void withoutASampledSpanTheCallCarriesNoIds() {
    Noting noting = new Noting();
    try (LlmClient client = f.client(OtelInstrumentation.builder(io.opentelemetry.api.OpenTelemetry.noop()).build())
        .listener(noting).build()) {
      CompletableFuture<Completion> call = client.chatAsync(ChatRequest.of("hi"));
      f.clock.advance(Duration.ofSeconds(1));
      assertThat(call.join().text()).isNotEmpty();
    }
    assertThat(noting.attemptSpanIds).as("the attempt ended").containsExactly((String) null);
    assertThat(noting.traceId).isNull();
    assertThat(noting.spanId).isNull();
  }
}
