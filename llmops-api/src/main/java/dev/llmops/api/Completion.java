package dev.llmops.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The result of a call through the client: the model's response plus what the pipeline recorded
 * about the call (which endpoint answered, the prompt fingerprint, the cost, ...). Immutable and
 * thread-safe.
 */
public final class Completion {
  private final @Nullable CallInfo call;
  private @Nullable String callId;
  private final ChatResponse response;
  private final String endpoint;
  private final int attempts;
  private final Map<AttributeKey<?>, Object> attributes;

  private Completion(
      @Nullable CallInfo call,
      @Nullable String callId,
      ChatResponse response,
      String endpoint,
      int attempts,
      Map<AttributeKey<?>, Object> attributes) {
    this.call = call;
    this.callId = callId;
    this.response = response;
    this.endpoint = endpoint;
    this.attempts = attempts;
    this.attributes = attributes;
  }

  /**
   * Creates a completion.
   *
   * @param callId the call's id
   * @param response the response that answered the call
   * @param endpoint the model endpoint that answered
   * @param attempts how many attempts the call made, 0 for an answer served without a model (a
   *     cache hit)
   * @param attributes a snapshot of the call's attributes
   */
  public static Completion of(
      String callId, ChatResponse response, String endpoint, int attempts, Map<AttributeKey<?>, Object> attributes) {
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must be >= 0 but was " + attempts);
    }
    return new Completion(
        null,
        Objects.requireNonNull(callId, "callId"),
        Objects.requireNonNull(response, "response"),
        Objects.requireNonNull(endpoint, "endpoint"),
        attempts,
        Map.copyOf(attributes));
  }

  /**
   * Creates the completion of a call that has ended: its id is read from {@code call} when first
   * asked for, and its attributes are a snapshot taken now.
   *
   * @param call the call, ended
   * @param response the response that answered the call
   * @param endpoint the model endpoint that answered
   * @param attempts how many attempts the call made
   */
  public static Completion of(CallInfo call, ChatResponse response, String endpoint, int attempts) {
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must be >= 0 but was " + attempts);
    }
    return new Completion(
        Objects.requireNonNull(call, "call"),
        null,
        Objects.requireNonNull(response, "response"),
        Objects.requireNonNull(endpoint, "endpoint"),
        attempts,
        call.attributes().snapshot());
  }

  /** The call's id, as listeners saw it. */
  public String callId() {
    String id = callId;
    if (id == null) {
      // Set when created from a CallInfo: its id is built on first use, to keep the hot path lean.
      id = Objects.requireNonNull(call, "call").callId();
      callId = id;
    }
    return id;
  }

  /** The model's response. */
  public ChatResponse response() {
    return response;
  }

  /** The output text. */
  public String text() {
    return response.text();
  }

  /** The token usage of the answering attempt. */
  public Usage usage() {
    return response.usage();
  }

  /** Why the model stopped. */
  public FinishReason finishReason() {
    return response.finishReason();
  }

  /** The name of the model endpoint that answered. */
  public String endpoint() {
    return endpoint;
  }

  /** How many attempts the call made (retries and fallbacks included). */
  public int attempts() {
    return attempts;
  }

  /** The value a pipeline step recorded for {@code key}, if any. */
  public <T> Optional<T> attribute(AttributeKey<T> key) {
    Object value = attributes.get(key);
    return value == null ? Optional.empty() : Optional.of(key.type().cast(value));
  }

  /** All recorded attributes. */
  public Map<AttributeKey<?>, Object> attributes() {
    return attributes;
  }

  @Override
  public String toString() {
    return "Completion[callId=" + callId() + ", endpoint=" + endpoint + ", model=" + response.model()
        + ", finishReason=" + response.finishReason() + ", usage=" + response.usage()
        + ", attempts=" + attempts + "]";
  }
}
