package dev.llmops.core.cache;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.Message;
import dev.llmops.api.ToolCall;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The canonical hash of a request: SHA-256 over the endpoint, every message (role, content, tool
 * calls, tool call id) and every generation parameter, each field length-prefixed so that no two
 * different requests serialise alike. Metadata is left out: it never reaches the provider.
 */
final class CacheKeys {
  private static final MessageDigest PROTOTYPE = sha256();

  private CacheKeys() {}

  static String of(String endpoint, ChatRequest request) {
    Hasher h = new Hasher();
    h.put(endpoint);
    h.put(request.messages().size());
    for (Message m : request.messages()) {
      h.put(m.role().name());
      h.put(m.content());
      h.put(m.toolCallId());
      h.put(m.toolCalls().size());
      for (ToolCall c : m.toolCalls()) {
        h.put(c.id());
        h.put(c.name());
        h.put(c.argumentsJson());
      }
    }
    GenerationParameters p = request.parameters();
    h.put(str(p.temperature()));
    h.put(str(p.topP()));
    h.put(str(p.maxOutputTokens()));
    h.put(p.stopSequences().size());
    for (String stop : p.stopSequences()) {
      h.put(stop);
    }
    h.put(str(p.seed()));
    h.put(str(p.presencePenalty()));
    h.put(str(p.frequencyPenalty()));
    h.put(request.toolsJson());
    h.put(request.responseFormatJson());
    return HexFormat.of().formatHex(h.md.digest());
  }

  private static @Nullable String str(@Nullable Object o) {
    return o == null ? null : o.toString();
  }

  /**
   * Feeds fields to the digest: a null as the byte 0, a string as the byte 1, its UTF-8 length (4
   * bytes, big-endian) and its UTF-8 bytes (an unpaired surrogate as {@code ?}, as {@link
   * String#getBytes} encodes it). Strings are encoded through one small buffer, so hashing a long
   * prompt does not copy it.
   */
  private static final class Hasher {
    final MessageDigest md = newDigest();
    private final byte[] buf = new byte[256];
    private int n;

    void put(@Nullable String s) {
      if (s == null) {
        md.update((byte) 0);
        return;
      }
      int length = utf8Length(s);
      write(1);
      write(length >>> 24);
      write(length >>> 16);
      write(length >>> 8);
      write(length);
      for (int i = 0, len = s.length(); i < len; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          write(c);
        } else if (c < 0x800) {
          write(0xC0 | (c >> 6));
          write(0x80 | (c & 0x3F));
        } else if (Character.isSurrogate(c)) {
          if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
            int cp = Character.toCodePoint(c, s.charAt(++i));
            write(0xF0 | (cp >> 18));
            write(0x80 | ((cp >> 12) & 0x3F));
            write(0x80 | ((cp >> 6) & 0x3F));
            write(0x80 | (cp & 0x3F));
          } else {
            write('?');
          }
        } else {
          write(0xE0 | (c >> 12));
          write(0x80 | ((c >> 6) & 0x3F));
          write(0x80 | (c & 0x3F));
        }
      }
      flush();
    }

    /** A count, as its decimal digits (what {@code put(Integer.toString(value))} would feed). */
    void put(int value) {
      if (value < 0) {
        put(Integer.toString(value));
        return;
      }
      int digits = 1;
      for (int v = value; v >= 10; v /= 10) {
        digits++;
      }
      write(1);
      write(0);
      write(0);
      write(0);
      write(digits);
      for (int d = digits - 1; d >= 0; d--) {
        int p = 1;
        for (int k = 0; k < d; k++) {
          p *= 10;
        }
        write('0' + (value / p) % 10);
      }
      flush();
    }

    private void write(int b) {
      if (n == buf.length) {
        flush();
      }
      buf[n++] = (byte) b;
    }

    private void flush() {
      md.update(buf, 0, n);
      n = 0;
    }

    private static int utf8Length(String s) {
      int length = 0;
      for (int i = 0, len = s.length(); i < len; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          length++;
        } else if (c < 0x800) {
          length += 2;
        } else if (Character.isSurrogate(c)) {
          if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
            length += 4;
            i++;
          } else {
            length++;
          }
        } else {
          length += 3;
        }
      }
      return length;
    }
  }

  private static MessageDigest newDigest() {
    try {
      return (MessageDigest) PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      return sha256();
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
