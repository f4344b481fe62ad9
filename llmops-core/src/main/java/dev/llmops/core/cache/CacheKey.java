package dev.llmops.core.cache;

import dev.llmops.api.GenerationParameters;
import dev.llmops.api.Message;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A key of the response cache, compared by value. A {@link Request} or {@link Prompt} key holds
 * the (immutable) fields it covers and compares them exactly, so no two different requests can
 * share an entry; its hash is computed once. A request whose fields hold more text than {@link
 * CacheKeys#MAX_EXACT_CHARS} is keyed by its SHA-256 digest instead ({@link Digest}), so an entry
 * never keeps a large prompt alive. The kinds never equal each other, and which kind a request gets
 * is a function of the request alone. Immutable and thread-safe.
 */
abstract sealed class CacheKey permits CacheKey.Exact, CacheKey.Digest {
  private final int hash;

  CacheKey(int hash) {
    this.hash = hash;
  }

  /**
   * The SHA-256 digest of the key's canonical encoding as lower-case hex (for a full request, what
   * {@link CacheKeys#of} returns). Computed on each call: only a hit's event asks for it.
   */
  abstract String hex();

  @Override
  public final int hashCode() {
    return hash;
  }

  @Override
  public final String toString() {
    return hex();
  }

  /**
   * A key that holds the fields it covers and compares them exactly. What every such key covers:
   * the endpoint, the generation parameters, tools and response format.
   */
  abstract static sealed class Exact extends CacheKey permits Request, Prompt {
    final String endpoint;
    final GenerationParameters parameters;
    final @Nullable String toolsJson;
    final @Nullable String responseFormatJson;

    /** {@code head} hashes what the subclass adds. */
    Exact(int head, String endpoint, GenerationParameters parameters, @Nullable String toolsJson,
        @Nullable String responseFormatJson) {
      super((((head * 31 + endpoint.hashCode()) * 31 + parameters.hashCode()) * 31 + Objects.hashCode(toolsJson))
          * 31 + Objects.hashCode(responseFormatJson));
      this.endpoint = endpoint;
      this.parameters = parameters;
      this.toolsJson = toolsJson;
      this.responseFormatJson = responseFormatJson;
    }

    /** The digest key of the same call (what a call over the size limit is keyed by). */
    abstract Digest digest();

    @Override
    final String hex() {
      return digest().hex();
    }

    /** True when {@code k} has the same hash and the same common fields. */
    final boolean sameCall(Exact k) {
      return hashCode() == k.hashCode()
          && endpoint.equals(k.endpoint)
          && parameters.equals(k.parameters)
          && Objects.equals(toolsJson, k.toolsJson)
          && Objects.equals(responseFormatJson, k.responseFormatJson);
    }
  }

  /** The key of a whole request: endpoint, every message, parameters, tools, response format. */
  static final class Request extends Exact {
    final List<Message> messages;

    Request(String endpoint, List<Message> messages, GenerationParameters parameters, @Nullable String toolsJson,
        @Nullable String responseFormatJson) {
      super(messages.hashCode(), endpoint, parameters, toolsJson, responseFormatJson);
      this.messages = messages;
    }

    @Override
    Digest digest() {
      return CacheKeys.digest(this);
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o == this || (o instanceof Request k && sameCall(k) && messages.equals(k.messages));
    }
  }

  /**
   * The key of a call the prompt step rendered: endpoint, prompt name, version and content hash,
   * how many messages the version renders, the variables (plain scalars only, so that {@code
   * equals} is exact and type-strict: Long 1, Integer 1 and "1" differ, and so do BigDecimal 1.0
   * and 1.00), the messages after the rendered ones, parameters, tools and response format.
   */
  static final class Prompt extends Exact {
    final String name;
    final int version;
    final String contentHash;
    final int rendered;
    final Map<String, Object> variables;
    final List<Message> trailing;

    Prompt(String endpoint, String name, int version, String contentHash, int rendered,
        Map<String, Object> variables, List<Message> trailing, GenerationParameters parameters,
        @Nullable String toolsJson, @Nullable String responseFormatJson) {
      super(((((name.hashCode() * 31 + version) * 31 + contentHash.hashCode()) * 31 + rendered) * 31
              + variables.hashCode()) * 31 + trailing.hashCode(),
          endpoint, parameters, toolsJson, responseFormatJson);
      this.name = name;
      this.version = version;
      this.contentHash = contentHash;
      this.rendered = rendered;
      this.variables = variables;
      this.trailing = trailing;
    }

    @Override
    Digest digest() {
      return CacheKeys.digest(this);
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o == this || (o instanceof Prompt k
          && sameCall(k)
          && version == k.version
          && rendered == k.rendered
          && name.equals(k.name)
          && contentHash.equals(k.contentHash)
          && variables.equals(k.variables)
          && trailing.equals(k.trailing));
    }
  }

  /** The 32 bytes of a SHA-256 digest as four longs: the key of a request over the size limit. */
  static final class Digest extends CacheKey {
    private final long a;
    private final long b;
    private final long c;
    private final long d;

    Digest(long a, long b, long c, long d) {
      // The digest is uniformly distributed: its first bytes are as good a hash as any.
      super((int) (a ^ (a >>> 32)));
      this.a = a;
      this.b = b;
      this.c = c;
      this.d = d;
    }

    @Override
    String hex() {
      HexFormat f = HexFormat.of();
      return f.toHexDigits(a) + f.toHexDigits(b) + f.toHexDigits(c) + f.toHexDigits(d);
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Digest k && a == k.a && b == k.b && c == k.c && d == k.d;
    }
  }
}
