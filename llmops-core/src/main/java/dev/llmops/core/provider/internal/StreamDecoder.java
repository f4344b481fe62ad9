package dev.llmops.core.provider.internal;

import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.FinishReason;
import dev.llmops.api.LlmException;
import dev.llmops.api.LlmException.ErrorDetails;
import dev.llmops.api.MalformedResponseException;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ModelExchange;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns one provider's server-sent events into chunks (emitted on the attempt's exchange) and, at
 * the end, the aggregate response. What every provider shares lives here: counting events and
 * chunks, the terminal event, and the {@link StreamInterruptedException} with the partial text and
 * usage so far. One decoder per stream; called by one thread at a time.
 */
public abstract class StreamDecoder {
  /** The provider name used in errors. */
  protected final String provider;
  /** The provider model id used in errors. */
  protected final String model;
  /** The request being answered. */
  protected final ChatRequest request;
  /** What the response headers said, for the response metadata. */
  protected final Map<String, String> headerMetadata;
  private final ModelExchange exchange;
  private final String terminalEvent;
  private int emitted;
  private int events;
  private boolean done;

  /**
   * A decoder.
   *
   * @param terminalEvent the name of the event that ends a complete stream, for the error when it
   *     never comes ({@code [DONE]}, {@code message_stop})
   */
  protected StreamDecoder(
      String provider, String model, ChatRequest request, ModelExchange exchange,
      Map<String, String> headerMetadata, String terminalEvent) {
    this.provider = provider;
    this.model = model;
    this.request = request;
    this.exchange = exchange;
    this.headerMetadata = headerMetadata;
    this.terminalEvent = terminalEvent;
  }

  /**
   * Handles one event; events after the terminal one are ignored.
   *
   * @throws LlmException (usually a {@link StreamInterruptedException}) to end the stream with it:
   *     malformed JSON, an error event
   */
  public final void onEvent(@Nullable String event, String data) {
    if (!done) {
      events++;
      decode(event, data);
    }
  }

  /** Decodes one event; calls {@link #end()} at the terminal event. */
  protected abstract void decode(@Nullable String event, String data);

  /** The text received so far. */
  protected abstract String partialText();

  /** The usage reported so far, or null. */
  protected abstract @Nullable Usage usageSoFar();

  /**
   * The aggregate response of a stream whose terminal event arrived.
   *
   * @throws StreamInterruptedException if it lacks a finish reason
   */
  protected abstract ChatResponse response();

  /** The number of the event being decoded, from 1. */
  protected final int events() {
    return events;
  }

  /** Marks the terminal event. */
  protected final void end() {
    done = true;
  }

  /** Emits the next chunk. */
  protected final void emit(String text, @Nullable FinishReason finish, @Nullable Usage usage) {
    exchange.emit(new ChatChunk(emitted++, text, finish, usage));
  }

  /** True once the provider's terminal event arrived. */
  public final boolean complete() {
    return done;
  }

  /**
   * The aggregate response of a finished stream.
   *
   * @throws StreamInterruptedException if the stream ended before its terminal event or without a
   *     finish reason, carrying the partial text and usage so far
   */
  public final ChatResponse finish() {
    if (!done) {
      throw interrupted("the stream ended without " + terminalEvent, "stream_incomplete", null);
    }
    return response();
  }

  /**
   * The failure of a stream that ended early, with the partial text and usage so far.
   *
   * @param reason what ended it, without any provider text
   * @param errorCode a short code ({@code stream_incomplete}, {@code malformed_json}, the
   *     provider's error type)
   * @param cause the typed error the provider reported, an I/O failure, or null; retryable unless
   *     it is an {@link LlmException} that says otherwise
   */
  public final StreamInterruptedException interrupted(String reason, String errorCode, @Nullable Throwable cause) {
    boolean retryable = !(cause instanceof LlmException typed) || typed.retryable();
    return new StreamInterruptedException(
        provider + " model " + model + ": " + reason + " after " + emitted + " chunks",
        ErrorDetails.of(provider, model).withErrorCode(errorCode),
        partialText(), usageSoFar(), emitted, retryable, cause);
  }

  /**
   * The failure of a stream that cannot be read on: over a size cap, or a reader failure nobody
   * foresaw. Not retryable: its cause is a {@link MalformedResponseException}.
   *
   * @param what what went wrong, without any provider text
   * @param errorCode a short code such as {@code response_too_large}
   * @param cause the unforeseen failure, or null
   */
  public final StreamInterruptedException unreadable(String what, String errorCode, @Nullable Throwable cause) {
    MalformedResponseException malformed = new MalformedResponseException(
        provider + " model " + model + ": " + what, ErrorDetails.of(provider, model).withErrorCode(errorCode), cause);
    return interrupted(what, errorCode, malformed);
  }

  /** The failure for an event whose data is not the JSON object it should be. */
  protected final StreamInterruptedException malformedJson(IOException e) {
    return interrupted("stream event " + events + " " + Json.problem(e), "malformed_json", null);
  }

  /** The failure for an error object or event inside the stream. */
  protected final StreamInterruptedException errorInStream(ProviderErrors.ErrorBody error) {
    LlmException cause = ProviderErrors.fromStreamError(provider, model, error);
    return interrupted("error event in stream: " + cause.details().errorCode(), cause.details().errorCode(), cause);
  }
}
