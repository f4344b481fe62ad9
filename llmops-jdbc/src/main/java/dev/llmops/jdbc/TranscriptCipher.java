package dev.llmops.jdbc;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-GCM of one row's content: a fresh 12-byte IV from {@link SecureRandom} per encryption, a
 * 128-bit tag, the row's id as associated data (a ciphertext copied into another row fails to
 * decrypt). Output is {@code iv | ciphertext+tag}. Thread-safe.
 */
final class TranscriptCipher {
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecureRandom random = new SecureRandom();

  byte[] encrypt(SecretKey key, byte[] plain, byte[] associated) throws GeneralSecurityException {
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
    c.updateAAD(associated);
    byte[] sealed = c.doFinal(plain);
    byte[] out = Arrays.copyOf(iv, IV_BYTES + sealed.length);
    System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
    return out;
  }

  /** @throws javax.crypto.AEADBadTagException if the key, the row id or the bytes are not the ones sealed */
  byte[] decrypt(SecretKey key, byte[] stored, byte[] associated) throws GeneralSecurityException {
    if (stored.length < IV_BYTES + TAG_BITS / 8) {
      throw new GeneralSecurityException("content is " + stored.length + " bytes, shorter than an IV and a tag");
    }
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 0, IV_BYTES));
    c.updateAAD(associated);
    return c.doFinal(stored, IV_BYTES, stored.length - IV_BYTES);
  }
}
