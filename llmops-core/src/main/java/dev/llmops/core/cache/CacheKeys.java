package dev.llmops.core.cache;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.Message;
import dev.llmops.api.ToolCall;
import java.nio.charset.StandardCharsets;
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
  private CacheKeys() {}

  static String of(String endpoint, ChatRequest request) {
    MessageDigest md = sha256();
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
    GenerationParameters p = request.parameters();
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

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
