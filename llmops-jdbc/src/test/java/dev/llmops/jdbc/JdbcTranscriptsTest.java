package dev.llmops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Message;
import dev.llmops.core.LlmClient;
import dev.llmops.core.transcript.SubjectKey;
import dev.llmops.core.transcript.Transcript;
import dev.llmops.core.transcript.TranscriptStore;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcTranscriptsTest {
  @RegisterExtension static final TestDatabase db = TestDatabase.migrated();

  private static final SecretKey K1 = new SecretKeySpec(bytes(1), "AES");
  private static final SecretKey K2 = new SecretKeySpec(bytes(2), "AES");
  private static final SubjectKey SUBJECTS = SubjectKey.of("subject-secret-0123456789".getBytes(StandardCharsets.UTF_8));

  private final TestClock clock = TestClock.create();

  private static byte[] bytes(int seed) {
    byte[] b = new byte[32];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (seed * 31 + i);
    }
    return b;
  }

  @BeforeEach
  void empty() {
    db.execute("TRUNCATE " + db.schema() + ".llmops_transcript");
  }

  private JdbcTranscripts store(TranscriptKeys keys) {
    return JdbcTranscripts.builder(db.dataSource(), keys, SUBJECTS).schema(db.schema()).clock(clock)
        .ttl(Duration.ofDays(7)).purgeChunk(3).build();
  }

  private Transcript transcript(String callId, Instant at, String subject, String question) {
    return new Transcript(callId, at.truncatedTo(ChronoUnit.MICROS), "acme", SUBJECTS.pseudonym(subject), "smart",
        List.of(Message.system("You help."), Message.user(question)), "An answer to " + question, null);
  }

  private byte[] rawContent(String callId) throws Exception {
    try (Connection c = db.dataSource().getConnection();
         PreparedStatement ps = c.prepareStatement("SELECT content FROM " + db.schema() + ".llmops_transcript WHERE call_id = ?")) {
      ps.setString(1, callId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBytes(1);
      }
    }
  }

  @Test
  void aToolMessagesErrorFlagComesBackFromTheTable() {
    JdbcTranscripts stored = store(TranscriptKeys.of("k1", Map.of("k1", K1)));
    Transcript t = new Transcript("call-tools", clock.instant(), "acme", null, "m",
        List.of(Message.user("look it up"), Message.tool("t1", "found"), Message.toolError("t2", "timed out")),
        "done", null);
    stored.write(List.of(t));
    Transcript back = stored.byCallId("call-tools").orElseThrow();
    assertThat(back.messages()).extracting(Message::toolError).containsExactly(false, false, true);
    assertThat(back).isEqualTo(t);
  }

  @Test
  void callsReachTheTableRedactedEncryptedAndComeBackAsTheTranscriptStoreKeptThem() throws Exception {
    ManualScheduler scheduler = ManualScheduler.on(clock);
    JdbcTranscripts stored = store(TranscriptKeys.of("k1", Map.of("k1", K1)));
    TranscriptStore transcripts = TranscriptStore.builder().clock(clock).subjectKey(SUBJECTS).sink(stored).build();
    FakeChatModel model = FakeChatModel.builder().scheduler(scheduler).build().reply("Write to jane.doe@example.com");
    String callId;
    try (LlmClient client = LlmClient.builder().model("m", model).clock(clock).scheduler(scheduler).listener(transcripts).build()) {
      callId = client.chat(ChatRequest.builder().user("My card is 4111 1111 1111 1111, help").build(),
          CallContext.ofTenant("acme").withSubject("user-42")).callId();
    }
    transcripts.close(); // flushes the queue to the table

    Transcript kept = transcripts.all().get(0);
    Transcript back = stored.byCallId(callId).orElseThrow();
    assertThat(back).isEqualTo(kept);
    assertThat(back.messages().get(0).content()).doesNotContain("4111 1111 1111 1111");
    assertThat(stored.bySubject("user-42")).containsExactly(kept);

    String raw = new String(rawContent(callId), StandardCharsets.ISO_8859_1);
    assertThat(raw).doesNotContain("help").doesNotContain("Write to").doesNotContain("messages");
    String plainHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest("user-42".getBytes(StandardCharsets.UTF_8)));
    assertThat(db.number("SELECT count(*) FROM " + db.schema() + ".llmops_transcript WHERE subject_key = '" + plainHash + "'"))
        .as("the subject is not stored under a plain, dictionary-reversible hash").isZero();
  }

  @Test
  void rowsAreUnreadableWithoutTheirKeyAndReadableAfterARotation() {
    Instant now = clock.instant();
    JdbcTranscripts before = store(TranscriptKeys.of("k1", Map.of("k1", K1)));
    before.write(List.of(transcript("old-1", now, "u1", "first"), transcript("old-2", now, "u2", "second")));
    before.write(List.of(transcript("old-1", now, "u1", "first"))); // a retried batch: stored once
    assertThat(before.count()).isEqualTo(2);

    JdbcTranscripts withoutK1 = store(TranscriptKeys.of("k2", Map.of("k2", K2)));
    assertThatThrownBy(() -> withoutK1.byCallId("old-1")).isInstanceOf(JdbcStoreException.class)
        .hasMessageContaining("no key 'k1'");
    JdbcTranscripts wrongK1 = store(TranscriptKeys.of("k1", Map.of("k1", K2)));
    assertThatThrownBy(() -> wrongK1.byCallId("old-1")).isInstanceOf(JdbcStoreException.class)
        .hasMessageContaining("does not decrypt with key 'k1'");

    JdbcTranscripts rotated = store(TranscriptKeys.of("k2", Map.of("k1", K1, "k2", K2)));
    rotated.write(List.of(transcript("new-1", now, "u1", "third")));
    assertThat(rotated.byCallId("old-1").orElseThrow().answer()).isEqualTo("An answer to first");
    assertThat(db.number("SELECT count(*) FROM " + db.schema() + ".llmops_transcript WHERE key_id = 'k2'")).isEqualTo(1);

    assertThat(rotated.reencrypt(1)).isEqualTo(1);
    assertThat(rotated.reencrypt(10)).isEqualTo(1);
    assertThat(rotated.reencrypt(10)).isZero();
    assertThat(withoutK1.bySubject("u1")).extracting(Transcript::answer)
        .containsExactlyInAnyOrder("An answer to first", "An answer to third");
    assertThat(withoutK1.byCallId("old-2").orElseThrow().messages()).extracting(Message::content)
        .containsExactly("You help.", "second");
  }

  @Test
  void aCiphertextMovedToAnotherRowDoesNotDecrypt() {
    JdbcTranscripts stored = store(TranscriptKeys.of("k1", Map.of("k1", K1)));
    stored.write(List.of(transcript("a", clock.instant(), "u1", "one"), transcript("b", clock.instant(), "u2", "two")));
    String t = db.schema() + ".llmops_transcript";
    db.execute("UPDATE " + t + " SET content = (SELECT content FROM " + t + " WHERE call_id = 'a') WHERE call_id = 'b'");

    assertThat(stored.byCallId("a")).isPresent();
    assertThatThrownBy(() -> stored.byCallId("b")).isInstanceOf(JdbcStoreException.class)
        .hasMessageContaining("row b of table " + t);
  }

  @Test
  void theRetentionJobPurgesWhatTheClockSaysIsExpiredAndErasureRemovesOneSubject() {
    JdbcTranscripts stored = store(TranscriptKeys.of("k1", Map.of("k1", K1)));
    Instant start = clock.instant();
    for (int i = 0; i < 8; i++) { // eight rows a day apart: more than one purge chunk
      stored.write(List.of(transcript("day-" + i, start.plus(Duration.ofDays(i)), i % 2 == 0 ? "even" : "odd", "q" + i)));
    }
    ManualScheduler scheduler = ManualScheduler.on(clock);
    var purging = stored.startPurging(scheduler, Duration.ofHours(1));

    clock.advance(Duration.ofDays(7).plusHours(1)); // day-0 is now older than the 7-day TTL
    assertThat(stored.count()).isEqualTo(7);
    clock.advance(Duration.ofDays(5)); // days 0..5 expired
    assertThat(stored.byCallId("day-5")).isEmpty();
    assertThat(stored.count()).isEqualTo(2);

    assertThat(stored.purgeSubject("odd")).isEqualTo(1); // day-7
    assertThat(stored.bySubject("even")).extracting(Transcript::callId).containsExactly("day-6");
    assertThat(purging.cancel()).isTrue();
  }
}
