package dev.llmops.core.provider.internal;

import dev.llmops.api.ChatResponse;
import dev.llmops.api.LlmException;
import dev.llmops.api.LlmException.ErrorDetails;
import dev.llmops.api.MalformedResponseException;
import dev.llmops.api.spi.ModelExchange;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Sends one adapter request with {@link HttpClient#sendAsync} and turns the answer into a
 * response or a typed failure, without holding a thread while the call is in flight. A 2xx body is
 * parsed whole ({@link #send}) or read line by line as server-sent events ({@link #stream}); any
 * other status is mapped by {@link ProviderErrors#fromStatus}. Cancelling the attempt (the
 * exchange's cancel action) cancels the HTTP exchange and stops reading. Thread-safe.
 */
public final class HttpTransport {
  /** Parses a whole 2xx body. */
  @FunctionalInterface
  public interface BodyParser {
    /**
     * Parses {@code body}.
     *
     * @throws LlmException (a {@link MalformedResponseException}) if the body is not a valid answer
     */
    ChatResponse parse(byte[] body, HttpHeaders headers);
  }

  /** Makes the decoder of one stream, once the response headers are known. */
  @FunctionalInterface
  public interface DecoderFactory {
    /** A decoder for a stream whose response carried {@code headers}. */
    StreamDecoder create(HttpHeaders headers);
  }

  private final HttpClient client;
  private final String provider;
  private final String model;
  private final Clock clock;

  /**
   * A transport.
   *
   * @param client the HTTP client
   * @param provider the provider name used in errors
   * @param model the provider model id used in errors
   * @param clock reads "now" for {@code retry-after} dates
   */
  public HttpTransport(HttpClient client, String provider, String model, Clock clock) {
    this.client = client;
    this.provider = provider;
    this.model = model;
    this.clock = clock;
  }

  /** Sends {@code request} and parses the whole 2xx body with {@code parser}. */
  public CompletableFuture<ChatResponse> send(HttpRequest request, ModelExchange exchange, BodyParser parser) {
    CompletableFuture<ChatResponse> result = new CompletableFuture<>();
    BodyHandler<Void> handler = info -> {
      if (info.statusCode() / 100 != 2) {
        return errorBody(info, result);
      }
      return BodySubscribers.mapping(BodySubscribers.ofByteArray(), bytes -> {
        completeWith(result, () -> parser.parse(bytes, info.headers()));
        return null;
      });
    };
    start(request, handler, result, exchange, new AtomicReference<>());
    return result;
  }

  /** Sends {@code request} and reads a 2xx body as server-sent events fed to a new decoder. */
  public CompletableFuture<ChatResponse> stream(HttpRequest request, ModelExchange exchange, DecoderFactory decoders) {
    CompletableFuture<ChatResponse> result = new CompletableFuture<>();
    AtomicReference<@Nullable EventSubscriber> subscriber = new AtomicReference<>();
    BodyHandler<Void> handler = info -> {
      if (info.statusCode() / 100 != 2) {
        return errorBody(info, result);
      }
      EventSubscriber events = new EventSubscriber(decoders.create(info.headers()), result);
      subscriber.set(events);
      if (exchange.cancelled()) {
        events.cancel();
      }
      return BodySubscribers.fromLineSubscriber(events, s -> null, StandardCharsets.UTF_8, null);
    };
    start(request, handler, result, exchange, subscriber);
    return result;
  }

  private void start(
      HttpRequest request,
      BodyHandler<Void> handler,
      CompletableFuture<ChatResponse> result,
      ModelExchange exchange,
      AtomicReference<@Nullable EventSubscriber> subscriber) {
    CompletableFuture<HttpResponse<Void>> http = client.sendAsync(request, handler);
    exchange.onCancel(() -> {
      EventSubscriber events = subscriber.get();
      if (events != null) {
        events.cancel();
      }
      http.cancel(true);
    });
    var unused = http.whenComplete((response, failure) -> {
      if (result.isDone() || exchange.cancelled()) {
        return;
      }
      EventSubscriber events = subscriber.get();
      if (failure != null && events != null) {
        events.onError(failure);
      } else if (failure != null) {
        result.completeExceptionally(ProviderErrors.fromTransport(provider, model, failure));
      } else {
        result.completeExceptionally(new MalformedResponseException(
            provider + " model " + model + ": the response body ended without an answer",
            ErrorDetails.of(provider, model).withHttpStatus(response.statusCode())));
      }
    });
  }

  private HttpResponse.BodySubscriber<Void> errorBody(
      HttpResponse.ResponseInfo info, CompletableFuture<ChatResponse> result) {
    return BodySubscribers.mapping(BodySubscribers.ofByteArray(), bytes -> {
      result.completeExceptionally(
          ProviderErrors.fromStatus(provider, model, info.statusCode(), info.headers(), bytes, clock));
      return null;
    });
  }

  private static void completeWith(CompletableFuture<ChatResponse> result, Supplier<ChatResponse> answer) {
    try {
      result.complete(answer.get());
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
  }

  /** Feeds body lines to the SSE reader and the decoder; completes the result once. */
  private static final class EventSubscriber implements Flow.Subscriber<String> {
    private final StreamDecoder decoder;
    private final CompletableFuture<ChatResponse> result;
    private final SseEventReader reader;
    private final AtomicReference<Flow.@Nullable Subscription> subscription = new AtomicReference<>();
    private volatile boolean cancelled;

    EventSubscriber(StreamDecoder decoder, CompletableFuture<ChatResponse> result) {
      this.decoder = decoder;
      this.result = result;
      this.reader = new SseEventReader(decoder::onEvent);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription.set(s);
      if (cancelled) {
        s.cancel();
      } else {
        s.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(String line) {
      if (cancelled || result.isDone()) {
        return;
      }
      try {
        reader.line(line);
        if (decoder.complete()) {
          // The terminal event ends the answer; the rest of the body (normally nothing) is drained.
          completeWith(result, decoder::finish);
        }
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
        cancel();
      }
    }

    @Override
    public void onError(Throwable failure) {
      if (cancelled || result.isDone()) {
        return;
      }
      Throwable cause = ProviderErrors.unwrap(failure);
      result.completeExceptionally(
          decoder.interrupted("the connection failed mid-stream (" + cause.getClass().getSimpleName() + ")",
              "connection_failed", cause));
    }

    @Override
    public void onComplete() {
      if (cancelled || result.isDone()) {
        return;
      }
      try {
        reader.end();
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
        return;
      }
      completeWith(result, decoder::finish);
    }

    void cancel() {
      cancelled = true;
      Flow.Subscription s = subscription.get();
      if (s != null) {
        s.cancel();
      }
    }
  }
}
