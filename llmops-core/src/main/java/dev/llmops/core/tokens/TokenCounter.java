package dev.llmops.core.tokens;

import dev.llmops.api.Message;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Counts tokens of text locally. Provider-reported usage is authoritative; a counter fills in when
 * the provider reports none (a stream without usage, a cut or cancelled stream). Exact counters
 * ({@link #exact()}) run a real BPE tokenizer and cost about 0.1 ms per 2 KB of text, so keep them
 * off the hot path; {@link #upperBound} is the allocation-free bound for admission.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface TokenCounter {

  /** Tokens in {@code text}. */
  long count(String text);

  /**
   * The token ids of {@code text} as the provider's tokenizer produces them (special-token markers
   * in the text are encoded as ordinary text).
   *
   * @throws UnsupportedOperationException for an estimate, which has no ids
   */
  int[] encode(String text);

  /** True when {@link #count} runs the model's real tokenizer, false for an estimate. */
  boolean exact();

  /** The encoding's name ({@code o200k_base}, {@code cl100k_base}) or {@code estimate}. */
  String encoding();

  /**
   * Tokens of a chat prompt in OpenAI's accounting: each message's content plus {@value
   * #TOKENS_PER_MESSAGE} tokens of framing, plus {@value #REPLY_PRIMING_TOKENS} that prime the
   * reply. Tool calls' arguments are counted as text.
   */
  default long countMessages(List<Message> messages) {
    long total = REPLY_PRIMING_TOKENS;
    for (Message m : messages) {
      total += TOKENS_PER_MESSAGE + count(m.content());
      for (var call : m.toolCalls()) {
        total += count(call.name()) + count(call.argumentsJson());
      }
    }
    return total;
  }

  /** Framing tokens per chat message (role and separators) in OpenAI's chat format. */
  int TOKENS_PER_MESSAGE = 4;

  /** Tokens that prime the assistant's reply in OpenAI's chat format. */
  int REPLY_PRIMING_TOKENS = 3;

  /**
   * The exact {@code o200k_base} counter (GPT-4o, GPT-4.1, GPT-5, o-series).
   *
   * @return the counter, backed by JTokkit
   * @throws IllegalStateException when JTokkit is not loadable (see {@link #exactAvailable()})
   */
  static TokenCounter o200k() {
    Jtokkit.require("o200k_base");
    return BpeCounter.O200K;
  }

  /**
   * The exact {@code cl100k_base} counter (GPT-4, GPT-3.5, OpenAI embeddings).
   *
   * @return the counter, backed by JTokkit
   * @throws IllegalStateException when JTokkit is not loadable (see {@link #exactAvailable()})
   */
  static TokenCounter cl100k() {
    Jtokkit.require("cl100k_base");
    return BpeCounter.CL100K;
  }

  /**
   * Whether the exact counters can run: JTokkit ({@code com.knuddels:jtokkit}, a dependency of
   * llmops-core) is loadable. It is on the class path in a Maven or Gradle build, whether the
   * application is a named module or not: {@code dev.llmops.core} does not require it, as its jar
   * names no module. An application launched with a hand-written module path puts the jar on the
   * class path, or on the module path with {@code --add-modules jtokkit}.
   *
   * @return true when {@link #o200k()} and {@link #cl100k()} work
   */
  static boolean exactAvailable() {
    return Jtokkit.available();
  }

  /**
   * The estimate for families without a local tokenizer (Claude, Gemini, Llama, Mistral, ...):
   * {@code ceil(UTF-8 bytes / 4)}, the rule of thumb that about four bytes of English make a token.
   * Flagged as an estimate ({@link #exact()} is false); it can undercount.
   */
  static TokenCounter estimate() {
    return EstimateCounter.INSTANCE;
  }

  /**
   * The counter for a provider model id: {@code o200k_base} for {@code gpt-4o}, {@code gpt-4.1},
   * {@code gpt-4.5}, {@code gpt-5*}, {@code o1}/{@code o3}/{@code o4*} and {@code chatgpt-4o}; {@code
   * cl100k_base} for {@code gpt-4}, {@code gpt-3.5} and {@code text-embedding-*}; the {@link
   * #estimate()} for anything else, and for every model when JTokkit is absent ({@link
   * #exactAvailable()}). A provider prefix ({@code openai/}, {@code azure/}) is ignored.
   */
  static TokenCounter forModel(String modelId) {
    Objects.requireNonNull(modelId, "modelId");
    if (!exactAvailable()) {
      return estimate();
    }
    String id = modelId.toLowerCase(Locale.ROOT);
    int slash = id.lastIndexOf('/');
    if (slash >= 0) {
      id = id.substring(slash + 1);
    }
    if (id.startsWith("gpt-4o") || id.startsWith("chatgpt-4o") || id.startsWith("gpt-4.1")
        || id.startsWith("gpt-4.5") || id.startsWith("gpt-5") || id.startsWith("gpt-oss")
        || id.matches("o[1-9](-.*)?")) {
      return o200k();
    }
    if (id.startsWith("gpt-4") || id.startsWith("gpt-3.5") || id.startsWith("gpt-35")
        || id.startsWith("text-embedding-")) {
      return cl100k();
    }
    return estimate();
  }

  /**
   * A safe upper bound on the BPE tokens of {@code text}: its UTF-8 byte count (every BPE token
   * covers at least one byte). Computed without allocating.
   */
  static long upperBound(String text) {
    return Utf8Bounds.bytes(text);
  }

  /**
   * A safe upper bound on the prompt tokens of {@code messages} in any BPE-tokenised chat format:
   * the UTF-8 bytes of every content and tool call, plus the framing of {@link #countMessages}.
   */
  static long upperBound(List<Message> messages) {
    long total = REPLY_PRIMING_TOKENS;
    for (Message m : messages) {
      total += TOKENS_PER_MESSAGE + upperBound(m.content());
      for (var call : m.toolCalls()) {
        total += upperBound(call.name()) + upperBound(call.argumentsJson());
      }
    }
    return total;
  }
}
