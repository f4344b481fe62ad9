package dev.llmops.core.provider.internal;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.LlmException;
import dev.llmops.api.LlmException.ErrorDetails;
import dev.llmops.api.MalformedResponseException;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.ProviderUnavailableException;
import dev.llmops.api.spi.ModelExchange;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP chat model every adapter is: it writes the request with its {@link WireFormat}, sends
 * it with {@link java.net.http.HttpClient#sendAsync}, and turns the answer into a response or a
 * typed failure without holding a thread while the call is in flight. A 2xx body is read whole
 * ({@link ResponseBodies#bytes}) or as server-sent events ({@link ResponseBodies#events}), both
 * within the size caps of {@link EndpointSettings}; its {@code Content-Type} must be what was asked
 * for; any other status is mapped by {@link ProviderErrors#fromStatus}. Whatever goes wrong ends the
 * attempt with an {@link LlmException}, never a Jackson or JDK exception. Cancelling the attempt
 * (the exchange's cancel action) cancels the HTTP exchange and stops reading. Thread-safe.
 */
public final class HttpChatModel implements AutoCloseable {
  /** How much of an error body is read: enough for its code and type, never a flood. */
  private static final int ERROR_BODY_CAP = 64 * 1024;

  private final EndpointSettings settings;
  private final ModelInfo info;
  private final WireFormat wire;
  private final HttpRequest.Builder blockingRequest;
  private final HttpRequest.Builder streamingRequest;
  private volatile boolean closed;

  /** A model for {@code provider} speaking {@code wire} to the endpoint {@code settings} describe. */
  public HttpChatModel(EndpointSettings settings, String provider, WireFormat wire) {
    this.settings = settings;
    this.info = new ModelInfo(provider, settings.model(), settings.host(), settings.port());
    this.wire = wire;
    this.blockingRequest = settings.template(wire.path(), false);
    this.streamingRequest = settings.template(wire.path(), true);
  }

  /** Provider, model, host and port. */
  public ModelInfo info() {
    return info;
  }

  /** Sends one request; see {@link dev.llmops.api.spi.ChatModel#execute}. */
  public CompletionStage<ChatResponse> execute(ChatRequest request, ModelExchange exchange) {
    if (closed) {
      return CompletableFuture.failedFuture(new ProviderUnavailableException(
          prefix() + "the model was closed", ErrorDetails.of(info.provider(), info.modelId())));
    }
    boolean streaming = exchange.streaming();
    byte[] body;
    try {
      body = wire.requestBody(request, streaming);
    } catch (LlmException e) {
      return CompletableFuture.failedFuture(e);
    }
    // Copying reads the template only, which nothing modifies after the constructor.
    HttpRequest http = (streaming ? streamingRequest : blockingRequest).copy()
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    return new Attempt(request, exchange, streaming).start(http);
  }

  /** Stops the executor of the HTTP client the model made; calls after this fail. */
  @Override
  public void close() {
    closed = true;
    settings.close();
  }

  /** {@code Name[provider model at baseUrl]}; never the key. */
  public String describe(String name) {
    return name + "[" + info.provider() + " " + info.modelId() + " at " + settings.baseUri() + "]";
  }

  private String prefix() {
    return info.provider() + " model " + info.modelId() + ": ";
  }

  /** One request on the wire: completes its result exactly once. */
  private final class Attempt {
    private final CompletableFuture<ChatResponse> result = new CompletableFuture<>();
    private final ChatRequest request;
    private final ModelExchange exchange;
    private final boolean streaming;
    private volatile ResponseBodies.@Nullable Reader reader;

    Attempt(ChatRequest request, ModelExchange exchange, boolean streaming) {
      this.request = request;
      this.exchange = exchange;
      this.streaming = streaming;
    }

    CompletableFuture<ChatResponse> start(HttpRequest http) {
      CompletableFuture<HttpResponse<Void>> sent = settings.httpClient().sendAsync(http, this::body);
      exchange.onCancel(() -> {
        ResponseBodies.Reader r = reader;
        if (r != null) {
          r.cancel();
        }
        sent.cancel(true);
      });
      var unused = sent.whenComplete((response, failure) -> {
        if (result.isDone() || exchange.cancelled()) {
          return;
        }
        if (failure == null) {
          fail(malformed("the response body ended without an answer", response.statusCode(), response.headers()));
          return;
        }
        ResponseBodies.Reader r = reader;
        if (r != null) {
          r.onError(failure); // a stream ends with its partial text and usage
        }
        if (!result.isDone()) {
          result.completeExceptionally(ProviderErrors.fromTransport(info.provider(), info.modelId(), failure));
        }
      });
      return result;
    }

    /** Chooses how to read the body once the status and headers are known; never throws. */
    private BodySubscriber<Void> body(ResponseInfo response) {
      if (exchange.cancelled()) {
        return ResponseBodies.rejecting();
      }
      int status = response.statusCode();
      HttpHeaders headers = response.headers();
      if (status / 100 != 2) {
        return ResponseBodies.bytes(ERROR_BODY_CAP, true, bytes -> fail(
            ProviderErrors.fromStatus(info.provider(), info.modelId(), status, headers, bytes, settings.clock())),
            () -> {});
      }
      String problem = contentProblem(status, headers);
      if (problem != null) {
        fail(malformed(problem, status, headers));
        return ResponseBodies.rejecting();
      }
      long declared = headers.firstValueAsLong("content-length").orElse(-1);
      if (declared > settings.maxResponseBytes()) {
        fail(malformed("the response declares " + declared + " bytes, over the cap of "
            + settings.maxResponseBytes() + " (maxResponseBytes)", status, headers));
        return ResponseBodies.rejecting();
      }
      Map<String, String> metadata = ProviderHeaders.metadata(headers);
      if (streaming) {
        StreamDecoder decoder = wire.decoder(request, exchange, metadata);
        ResponseBodies.Reader events = ResponseBodies.events(
            decoder, settings.maxResponseBytes(), settings.maxEventBytes(), new ResponseBodies.Outcome() {
              @Override
              public void complete(Supplier<ChatResponse> answer) {
                completeWith(answer, status, headers);
              }

              @Override
              public void fail(LlmException failure) {
                Attempt.this.fail(failure);
              }

              @Override
              public boolean done() {
                return result.isDone() || exchange.cancelled();
              }
            });
        reader = events;
        return events;
      }
      ResponseBodies.Reader whole = ResponseBodies.bytes(settings.maxResponseBytes(), false,
          bytes -> completeWith(() -> wire.parse(request, bytes, metadata), status, headers),
          () -> fail(malformed("the response body passed the cap of " + settings.maxResponseBytes()
              + " bytes (maxResponseBytes)", status, headers)));
      reader = whole;
      return whole;
    }

    /** Why a 2xx answer's content type is not what was asked for, or null when it is (or names none). */
    private @Nullable String contentProblem(int status, HttpHeaders headers) {
      String type = headers.firstValue("content-type").orElse(null);
      if (type == null) {
        return null; // a server that names no type is read as asked
      }
      int semicolon = type.indexOf(';');
      String media = (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
      boolean json = media.equals("application/json") || media.endsWith("+json");
      if (streaming ? media.equals("text/event-stream") : json) {
        return null;
      }
      String length = headers.firstValue("content-length").map(l -> ", " + l + " bytes").orElse("");
      return "expected " + (streaming ? "text/event-stream" : "application/json") + " but the server answered "
          + ProviderErrors.safeText(media) + " (HTTP " + status + length + ")"
          + (streaming && json ? ": a whole answer to a streaming request" : "");
    }

    private void completeWith(Supplier<ChatResponse> answer, int status, HttpHeaders headers) {
      try {
        result.complete(answer.get());
      } catch (LlmException e) {
        fail(e);
      } catch (WireFormat.MalformedBody e) {
        fail(malformed(String.valueOf(e.getMessage()), status, headers));
      } catch (RuntimeException e) {
        // A reader failed in a way the wire format did not foresee (a Jackson limit, say): still a
        // typed failure, with the cause kept for whoever debugs it.
        result.completeExceptionally(new MalformedResponseException(
            prefix() + "the answer could not be read (" + e.getClass().getSimpleName() + ")",
            details(status, headers), e));
      }
    }

    private void fail(LlmException failure) {
      result.completeExceptionally(failure);
    }

    private MalformedResponseException malformed(String what, int status, HttpHeaders headers) {
      return new MalformedResponseException(prefix() + what, details(status, headers));
    }

    private ErrorDetails details(int status, HttpHeaders headers) {
      return ErrorDetails.of(info.provider(), info.modelId()).withHttpStatus(status)
          .withErrorCode("malformed_response").withHeaders(ProviderHeaders.selected(headers));
    }
  }
}
