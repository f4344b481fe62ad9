package dev.llmops.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.Message;
import dev.llmops.api.ToolCall;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The streamed cache key hashes exactly the bytes of the documented encoding (each field
 * length-prefixed UTF-8, {@link String#getBytes} semantics), so keys are stable across versions
 * and equal requests, whatever their text, map to one key.
 */
class CacheKeysTest {

  @Property(tries = 300)
  void keyIsTheSha256OfTheLengthPrefixedUtf8Fields(
      @ForAll String endpoint, @ForAll String system, @ForAll String user, @ForAll String toolArgs,
      @ForAll @IntRange(min = 1, max = 20_000) int maxTokens) {
    ChatRequest request = ChatRequest.builder()
        .system(system)
        .message(new Message(dev.llmops.api.Role.ASSISTANT, "", List.of(new ToolCall("c1", "lookup", toolArgs)), null))
        .user(user)
        .temperature(0.3)
        .maxOutputTokens(maxTokens)
        .build();
    assertThat(CacheKeys.of(endpoint, request)).isEqualTo(reference(endpoint, request));
  }

  @Test
  void surrogatesLongTextAndEmptyFieldsMatchTheReference() {
    String longText = "é漢😀".repeat(500) + "\uD800 unpaired \uDC00 and a trailing high \uD83D";
    ChatRequest request = ChatRequest.builder().system(longText).user("").build();
    assertThat(CacheKeys.of("e", request)).isEqualTo(reference("e", request)).hasSize(64);
    assertThat(CacheKeys.of("e", request)).isNotEqualTo(CacheKeys.of("f", request));
  }

  /** The encoding as first written: one byte array per field. */
  private static String reference(String endpoint, ChatRequest request) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    put(md, endpoint);
    put(md, Integer.toString(request.messages().size()));
    for (Message m : request.messages()) {
      put(md, m.role().name());
      put(md, m.content());
      put(md, m.toolCallId());
      put(md, Integer.toString(m.toolCalls().size()));
      for (ToolCall c : m.toolCalls()) {
        put(md, c.id());
        put(md, c.name());
        put(md, c.argumentsJson());
      }
    }
    var p = request.parameters();
    put(md, str(p.temperature()));
    put(md, str(p.topP()));
    put(md, str(p.maxOutputTokens()));
    put(md, Integer.toString(p.stopSequences().size()));
    p.stopSequences().forEach(s -> put(md, s));
    put(md, str(p.seed()));
    put(md, str(p.presencePenalty()));
    put(md, str(p.frequencyPenalty()));
    put(md, request.toolsJson());
    put(md, request.responseFormatJson());
    return HexFormat.of().formatHex(md.digest());
  }

  private static @Nullable String str(@Nullable Object o) {
    return o == null ? null : o.toString();
  }

  private static void put(MessageDigest md, @Nullable String s) {
    if (s == null) {
      md.update((byte) 0);
      return;
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    md.update((byte) 1);
    int n = bytes.length;
    md.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    md.update(bytes);
  }
}
