package dev.llmops.core.transcript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Issue 17: subjects are stored under a keyed hash, which a dictionary of user ids cannot reverse. */
class SubjectKeyTest {
  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  @Test
  void thePseudonymIsAnHmacUnderTheKeyNotAPlainHash() throws Exception {
    SubjectKey key = SubjectKey.of(KEY);
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(KEY, "HmacSHA256"));
    String expected = HexFormat.of().formatHex(mac.doFinal("user-1".getBytes(StandardCharsets.UTF_8)));
    String plain = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest("user-1".getBytes(StandardCharsets.UTF_8)));

    assertThat(key.pseudonym("user-1")).isEqualTo(expected).hasSize(64).isNotEqualTo(plain);
    assertThat(SubjectKey.of(KEY.clone()).pseudonym("user-1")).as("same key, same pseudonym").isEqualTo(expected);
    assertThat(SubjectKey.random().pseudonym("user-1")).as("another key").isNotEqualTo(expected);
    assertThat(key.toString()).doesNotContain("0123456789abcdef");
  }

  @Test
  void aShortKeyIsRefused() {
    assertThatThrownBy(() -> SubjectKey.of(new byte[15])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 16 bytes");
  }

  @Test
  void storesSharingAKeyFindTheSameSubjectAndPurgeIt() {
    TranscriptStore a = TranscriptStore.builder().subjectKey(SubjectKey.of(KEY)).build();
    TranscriptStore b = TranscriptStore.builder().subjectKey(SubjectKey.of(KEY)).build();
    Transcript t = new Transcript("c1", java.time.Instant.now(), null, SubjectKey.of(KEY).pseudonym("user-1"), null,
        java.util.List.of(), "answer", null);
    a.add(t);
    b.add(t);

    assertThat(a.bySubject("user-1")).containsExactly(t);
    assertThat(b.purgeSubject("user-1")).isEqualTo(1);
    assertThat(TranscriptStore.builder().build().bySubject("user-1")).isEmpty();
  }
}
