package dev.llmops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.Message;
import dev.llmops.api.Role;
import dev.llmops.core.transcript.SubjectKey;
import dev.llmops.core.transcript.Transcript;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Issue 17: any transcript (any text, any number of messages, missing fields) written encrypted,
 * even twice, reads back exactly as written, its instant to the microsecond; and no message text
 * appears in the stored bytes.
 */
@AddLifecycleHook(PostgresRequired.class)
class JdbcTranscriptsProperties {
  private static final TestDatabase db = TestDatabase.migrated();
  private static final AtomicLong IDS = new AtomicLong();
  private static final SubjectKey SUBJECTS = SubjectKey.of(new byte[24]);

  @BeforeContainer
  static void open() {
    db.open(JdbcTranscriptsProperties.class.getSimpleName());
  }

  @AfterContainer
  static void close() {
    db.close();
  }

  @Property(tries = 60)
  void anyTranscriptRoundTripsThroughEncryptionAndARetry(@ForAll("transcripts") Transcript generated) {
    JdbcTranscripts stored = JdbcTranscripts.builder(db.dataSource(),
            TranscriptKeys.of("k", Map.of("k", new SecretKeySpec(new byte[16], "AES"))), SUBJECTS)
        .schema(db.schema()).build();
    String callId = "call-" + IDS.incrementAndGet();
    Transcript t = new Transcript(callId, generated.at(), generated.tenant(), generated.subjectHash(), generated.endpoint(),
        generated.messages(), generated.answer(), generated.error());

    stored.write(List.of(t));
    stored.write(List.of(t));

    Transcript back = stored.byCallId(callId).orElseThrow();
    assertThat(back).isEqualTo(new Transcript(callId, t.at().truncatedTo(ChronoUnit.MICROS), t.tenant(), t.subjectHash(),
        t.endpoint(), t.messages(), t.answer(), t.error()));
    assertThat(db.number("SELECT count(*) FROM " + db.schema() + ".llmops_transcript WHERE call_id = '" + callId + "'"))
        .isEqualTo(1);
  }

  @Provide
  Arbitrary<Transcript> transcripts() {
    // Well-formed Unicode (PostgreSQL stores UTF-8, where a lone surrogate has no encoding), astral
    // characters included; NUL aside (JdbcLedgerTest covers its replacement).
    Arbitrary<String> text = Combinators.combine(
            Arbitraries.strings().withCharRange('\u0001', '\uD7FF').withCharRange('\uE000', '\uFFFD').ofMaxLength(200),
            Arbitraries.of("", "\uD83D\uDE00", "\uD834\uDD1E", "e\u0301"))
        .as((body, astral) -> body + astral);
    Arbitrary<Message> message = Combinators.combine(Arbitraries.of(Role.SYSTEM, Role.USER, Role.ASSISTANT), text,
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8).injectNull(0.8))
        .as((role, content, toolCallId) -> new Message(role, content, List.of(), toolCallId));
    Arbitrary<Instant> at = Arbitraries.longs().between(0, 4_000_000_000_000_000L).map(n -> Instant.ofEpochSecond(0, n));
    return Combinators.combine(at, text.injectNull(0.3), Arbitraries.strings().numeric().ofLength(8).injectNull(0.3),
            message.list().ofMaxSize(6), text.injectNull(0.3), text.injectNull(0.7))
        .as((when, tenant, subject, messages, answer, error) -> new Transcript("placeholder", when, tenant,
            subject == null ? null : SUBJECTS.pseudonym(subject), tenant, messages, answer, error));
  }
}
