package dev.llmops.jdbc;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * The AES keys transcripts are encrypted with, by id, so keys can rotate: new rows are encrypted
 * with the {@linkplain #currentKeyId() current} key and each row records the id of its key, so
 * older rows stay readable while their key is still provided, and {@link
 * JdbcTranscripts#reencrypt} moves them to the current key before an old key is retired.
 * Implement it over a key-management service, or use {@link #of}. Implementations must be
 * thread-safe; keys are looked up on the transcript queue's thread and on reads, never on a call's.
 */
public interface TranscriptKeys {

  /** The id of the key new rows are encrypted with; it must be one {@link #key} knows. */
  String currentKeyId();

  /** The key of {@code keyId}, or empty when this provider no longer (or never) had it. */
  Optional<SecretKey> key(String keyId);

  /**
   * Fixed keys: {@code keys} by id (copied), {@code currentKeyId} among them.
   *
   * @throws IllegalArgumentException if the current id is not among the keys, or a key is not an
   *     AES key of 16, 24 or 32 bytes
   */
  static TranscriptKeys of(String currentKeyId, Map<String, SecretKey> keys) {
    Objects.requireNonNull(currentKeyId, "currentKeyId");
    Map<String, SecretKey> copy = Map.copyOf(keys);
    if (!copy.containsKey(currentKeyId)) {
      throw new IllegalArgumentException("current key id '" + currentKeyId + "' is not among the keys " + copy.keySet());
    }
    copy.forEach((id, k) -> {
      byte[] encoded = k.getEncoded();
      int length = encoded == null ? -1 : encoded.length;
      if (!"AES".equalsIgnoreCase(k.getAlgorithm()) || (length != 16 && length != 24 && length != 32)) {
        throw new IllegalArgumentException("key '" + id + "' must be an AES key of 16, 24 or 32 bytes but is "
            + k.getAlgorithm() + " of " + length + " bytes");
      }
    });
    return new TranscriptKeys() {
      @Override
      public String currentKeyId() {
        return currentKeyId;
      }

      @Override
      public Optional<SecretKey> key(String keyId) {
        return Optional.ofNullable(copy.get(keyId));
      }

      @Override
      public String toString() {
        return "TranscriptKeys" + copy.keySet() + "[current=" + currentKeyId + "]";
      }
    };
  }
}
