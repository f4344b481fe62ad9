package dev.llmops.core.cache;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.Message;
import dev.llmops.api.ToolCall;
import dev.llmops.api.ToolChoice;
import dev.llmops.api.ToolDefinition;
import dev.llmops.api.ToolSet;
import dev.llmops.core.pipeline.Rendering;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.DigestException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The keys of the response cache ({@link CacheKey}) and their canonical SHA-256 encoding: the
 * endpoint, every message (role, content, tool calls, tool call id) and every generation parameter,
 * each field length-prefixed so that no two different requests serialise alike. Metadata is left
 * out: it never reaches the provider.
 *
 * <p>A call rendered by the prompt step is keyed on what the rendering is a pure function of
 * instead of the rendered text ({@link #key}). Such a key never equals a full-request key (another
 * class; its encoding starts with another tag byte), so a prompt call and a hand-written request
 * with the same text do not share an answer; each is cached on its own.
 */
final class CacheKeys {
  /**
   * The most text (string lengths, digits of big numbers) a key may hold and still be compared
   * field by field; above it a request is keyed by its 32-byte digest, so a cache entry never keeps
   * more than about this much of the request alive.
   */
  static final int MAX_EXACT_CHARS = 4096;

  private static final MessageDigest PROTOTYPE = sha256();
  private static final ThreadLocal<Hasher> HASHERS = ThreadLocal.withInitial(Hasher::new);
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** Tag byte that starts a prompt key (a full-request key starts with a string's tag, 1). */
  private static final int PROMPT_TAG = 2;

  /**
   * The variable value types a prompt key may hold: immutable, with a type-strict {@code equals}
   * that holds exactly when their {@code toString()} texts are equal.
   */
  private static final Set<Class<?>> SCALARS = Set.of(
      String.class, Boolean.class, Character.class, Byte.class, Short.class, Integer.class, Long.class,
      Float.class, Double.class, BigInteger.class, BigDecimal.class);

  private CacheKeys() {}

  /** The full-request key as lower-case hex (the key {@link ResponseCache#key} documents). */
  static String of(String endpoint, ChatRequest request) {
    return request(endpoint, request).hex();
  }

  /**
   * The key of one call. When the prompt step rendered the request's first messages ({@code
   * rendering}), the key covers the endpoint, the prompt's name, version and content hash, the
   * variables (each value's type and value), the messages after the rendered ones, every generation
   * parameter, tools and response format. Any doubt falls back to the full-request key: messages
   * that are not, by identity, the list the prompt step produced (a step in between rewrote them),
   * or a variable that is not a plain scalar.
   */
  static CacheKey key(String endpoint, ChatRequest request, @Nullable Rendering rendering) {
    if (rendering == null || rendering.messages() != request.messages()) {
      return full(endpoint, request);
    }
    List<Message> messages = request.messages();
    int rendered = rendering.renderedCount();
    Map<String, Object> variables = rendering.variables();
    long chars = chars(variables);
    if (chars < 0) {
      return full(endpoint, request);
    }
    List<Message> trailing = rendered == messages.size()
        ? List.of()
        // A copy, so that the key does not keep the rendered messages alive through a view.
        : List.copyOf(messages.subList(rendered, messages.size()));
    CacheKey.Prompt key = new CacheKey.Prompt(endpoint, rendering.promptName(), rendering.version(),
        rendering.contentHash(), rendered, variables, trailing, request.parameters(), toolsKey(request), request.responseFormatJson());
    chars += chars(trailing) + chars(request);
    return chars <= MAX_EXACT_CHARS ? key : key.digest();
  }

  /** The key over the whole request: exact, or its digest when it holds much text. */
  static CacheKey full(String endpoint, ChatRequest request) {
    CacheKey.Request key = request(endpoint, request);
    return chars(request.messages()) + chars(request) <= MAX_EXACT_CHARS ? key : key.digest();
  }

  private static CacheKey.Request request(String endpoint, ChatRequest request) {
    return new CacheKey.Request(endpoint, request.messages(), request.parameters(), toolsKey(request),
        request.responseFormatJson());
  }

  /**
   * The characters of the variables' names and values (small fixed-size boxes count as nothing), or
   * -1 if a value is not one of the {@link #SCALARS}.
   */
  private static long chars(Map<String, Object> variables) {
    long chars = 0;
    for (Map.Entry<String, Object> e : variables.entrySet()) {
      Object value = e.getValue();
      if (!SCALARS.contains(value.getClass())) {
        return -1;
      }
      chars += e.getKey().length();
      if (value instanceof String s) {
        chars += s.length();
      } else if (value instanceof BigInteger b) {
        chars += b.bitLength() / 3;
      } else if (value instanceof BigDecimal d) {
        chars += d.precision();
      }
    }
    return chars;
  }

  private static long chars(List<Message> messages) {
    long chars = 0;
    for (Message m : messages) {
      chars += m.content().length();
      String id = m.toolCallId();
      if (id != null) {
        chars += id.length();
      }
      for (ToolCall c : m.toolCalls()) {
        chars += c.id().length() + c.name().length() + c.argumentsJson().length();
      }
    }
    return chars;
  }

  /** The text of the request's parameters, tools and response format. */
  private static long chars(ChatRequest request) {
    long chars = 0;
    List<String> stops = request.parameters().stopSequences();
    for (int k = 0; k < stops.size(); k++) { // indexed: no iterator per call
      chars += stops.get(k).length();
    }
    String tools = toolsKey(request);
    String format = request.responseFormatJson();
    return chars + (tools == null ? 0 : tools.length()) + (format == null ? 0 : format.length());
  }

  /**
   * What identifies the request's tools in a key: the pass-through JSON, or the typed tools written
   * with each field length-prefixed (so no two different tool sets give the same text), or null.
   */
  static @Nullable String toolsKey(ChatRequest request) {
    String json = request.toolsJson();
    ToolSet tools = request.tools();
    if (json != null || tools.isEmpty()) {
      return json;
    }
    StringBuilder b = new StringBuilder("typed:");
    for (ToolDefinition d : tools.definitions()) {
      field(b, d.name());
      field(b, d.description());
      field(b, d.parametersSchemaJson());
    }
    ToolChoice choice = tools.choice();
    field(b, choice == null ? "-" : choice.mode() + ":" + choice.toolName());
    field(b, String.valueOf(tools.parallelToolCalls()));
    return b.toString();
  }

  private static void field(StringBuilder b, String value) {
    b.append(value.length()).append(':').append(value);
  }

  /** The digest of a full-request key. */
  static CacheKey.Digest digest(CacheKey.Request key) {
    Hasher h = Hasher.get();
    h.put(key.endpoint);
    h.put(key.messages.size());
    for (Message m : key.messages) {
      message(h, m);
    }
    parameters(h, key.parameters, key.toolsJson, key.responseFormatJson);
    return h.finish();
  }

  /** The digest of a prompt key: the variables sorted by name, each with its type name and text. */
  static CacheKey.Digest digest(CacheKey.Prompt key) {
    Hasher h = Hasher.get();
    h.write(PROMPT_TAG);
    h.put(key.endpoint);
    h.put(key.name);
    h.put(key.version);
    h.put(key.contentHash);
    h.put(key.rendered);
    Map<String, Object> variables = key.variables;
    h.put(variables.size());
    String[] names = variables.keySet().toArray(new String[0]);
    Arrays.sort(names);
    for (String name : names) {
      Object value = Objects.requireNonNull(variables.get(name), name);
      h.put(name);
      h.put(value.getClass().getName());
      h.put(value.toString());
    }
    h.put(key.trailing.size());
    for (Message m : key.trailing) {
      message(h, m);
    }
    parameters(h, key.parameters, key.toolsJson, key.responseFormatJson);
    return h.finish();
  }

  private static void message(Hasher h, Message m) {
    h.put(m.role().name());
    h.put(m.content());
    h.put(m.toolCallId());
    if (m.toolError()) {
      h.put("is_error"); // only then, so the keys of every other message stay as they were
    }
    h.put(m.toolCalls().size());
    for (ToolCall c : m.toolCalls()) {
      h.put(c.id());
      h.put(c.name());
      h.put(c.argumentsJson());
    }
  }

  private static void parameters(Hasher h, GenerationParameters p, @Nullable String toolsJson,
      @Nullable String responseFormatJson) {
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
    h.put(toolsJson);
    h.put(responseFormatJson);
  }

  private static @Nullable String str(@Nullable Object o) {
    return o == null ? null : o.toString();
  }

  /**
   * Feeds fields to the digest: a null as the byte 0, a string as the byte 1, its UTF-8 length (4
   * bytes, big-endian) and its UTF-8 bytes (an unpaired surrogate as {@code ?}, as {@link
   * String#getBytes} encodes it). Strings are encoded through one small buffer, so hashing a long
   * prompt does not copy it. One per thread, reset before each use; not thread-safe.
   */
  private static final class Hasher {
    final MessageDigest md = newDigest();
    private final byte[] buf = new byte[256];
    private int n;

    static Hasher get() {
      Hasher h = HASHERS.get();
      h.md.reset();
      h.n = 0;
      return h;
    }

    /** Finishes the digest into the buffer and reads it as four longs. */
    CacheKey.Digest finish() {
      flush();
      try {
        md.digest(buf, 0, 32);
      } catch (DigestException e) {
        throw new IllegalStateException("SHA-256 digest did not fit its 32 bytes", e);
      }
      return new CacheKey.Digest((long) LONGS.get(buf, 0), (long) LONGS.get(buf, 8), (long) LONGS.get(buf, 16),
          (long) LONGS.get(buf, 24));
    }

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

    void write(int b) {
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
