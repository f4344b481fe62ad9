package dev.llmops.core.transcript;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret that turns a subject (a user id) into the pseudonym transcripts are stored under:
 * HMAC-SHA256 of the subject's UTF-8 bytes, in hex. Unlike a plain SHA-256, which anyone can
 * reverse by hashing a dictionary of likely user ids, a keyed hash cannot be recomputed without the
 * key; keep it apart from the database. Immutable and thread-safe.
 *
 * <p>The key must stay the same as long as stored transcripts are to be found by subject ({@link
 * TranscriptStore#purgeSubject}, a database's purge): give every replica and every restart the
 * same one ({@link #of}, for example from an environment variable named by {@code
 * retention.subjectKeyEnv}). {@link #random()} suits a store that lives in memory only.
 */
public final class SubjectKey {
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  private SubjectKey(byte[] key) {
    this.key = new SecretKeySpec(key, ALGORITHM);
  }

  /**
   * A subject key from secret bytes (copied).
   *
   * @throws IllegalArgumentException if shorter than 16 bytes
   */
  public static SubjectKey of(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length < 16) {
      throw new IllegalArgumentException("subject key must be at least 16 bytes but was " + key.length);
    }
    return new SubjectKey(key.clone());
  }

  /** A fresh random 32-byte key, known to this object only: pseudonyms last as long as it does. */
  public static SubjectKey random() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return new SubjectKey(k);
  }

  /** The pseudonym of {@code subject}: HMAC-SHA256 of its UTF-8 bytes, 64 lower-case hex digits. */
  public String pseudonym(String subject) {
    Objects.requireNonNull(subject, "subject");
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return HexFormat.of().formatHex(mac.doFinal(subject.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
    }
  }

  /** Never shows the key. */
  @Override
  public String toString() {
    return "SubjectKey[HmacSHA256]";
  }
}
