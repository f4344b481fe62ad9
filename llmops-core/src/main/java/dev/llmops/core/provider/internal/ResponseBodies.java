package dev.llmops.core.provider.internal;

import dev.llmops.api.ChatResponse;
import dev.llmops.api.LlmException;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The body subscribers of {@link HttpChatModel}, each bounded in what it holds: a whole body up to
 * a cap, a stream of server-sent events with a cap on each event and on the whole, and one that
 * reads nothing. Cancelling one stops the reading and closes the connection (HTTP/1.1) or resets
 * the stream (HTTP/2). The JDK client calls a subscriber from one thread at a time. Public for the
 * parse benchmark only; the package is not exported.
 */
public final class ResponseBodies {
  private ResponseBodies() {}

  /** A body subscriber that the attempt can stop. */
  public interface Reader extends BodySubscriber<Void> {
    /** Stops reading; nothing more is delivered. */
    void cancel();
  }

  /** Where a stream's outcome goes. */
  public interface Outcome {
    /** Completes the attempt with what {@code answer} gives (or the failure it throws). */
    void complete(Supplier<ChatResponse> answer);

    /** Fails the attempt. */
    void fail(LlmException failure);

    /** True once the attempt ended or was cancelled: stop reading. */
    boolean done();
  }

  /** Reads nothing: cancels at once, so the connection is closed rather than drained. */
  static Reader rejecting() {
    return new Base() {
      @Override
      void subscribed() {
        cancel();
      }

      @Override
      void next(ByteBuffer buffer) {}

      @Override
      void completed() {}
    };
  }

  /**
   * Collects a whole body of at most {@code cap} bytes.
   *
   * @param truncate on passing the cap, stop and hand over the first {@code cap} bytes (an error
   *     body, of which only the code matters) instead of calling {@code overflow}
   * @param body receives the body
   * @param overflow called once when the body passes the cap (and {@code truncate} is false)
   */
  static Reader bytes(long maxBytes, boolean truncate, Consumer<byte[]> body, Runnable overflow) {
    long cap = Math.min(maxBytes, Integer.MAX_VALUE - 8); // the most one array holds
    return new Base() {
      private byte[] bytes = new byte[1024];
      private int size;

      @Override
      void next(ByteBuffer buffer) {
        int n = buffer.remaining();
        if (size + (long) n > cap) {
          cancel();
          if (truncate) {
            buffer.get(grow((int) cap), size, (int) cap - size);
            body.accept(Arrays.copyOf(bytes, (int) cap));
          } else {
            overflow.run();
          }
          return;
        }
        buffer.get(grow(size + n), size, n);
        size += n;
      }

      private byte[] grow(int needed) {
        if (needed > bytes.length) {
          bytes = Arrays.copyOf(bytes, Math.max(needed, (int) Math.min(cap, 2L * bytes.length)));
        }
        return bytes;
      }

      @Override
      void completed() {
        body.accept(size == bytes.length ? bytes : Arrays.copyOf(bytes, size));
      }
    };
  }

  /**
   * Splits a body into lines (ended by CR, LF or CRLF, as the event-stream format says), feeds them
   * to an {@link SseEventReader} and {@code decoder}, and completes {@code outcome} at the end of
   * the body. Fails the stream when one event passes {@code maxEvent} bytes or the body passes
   * {@code maxTotal}, before holding more than that.
   */
  public static Reader events(StreamDecoder decoder, long maxTotal, int maxEvent, Outcome outcome) {
    return new Events(decoder, maxTotal, maxEvent, outcome);
  }

  /** Subscription handling and cancellation; subclasses see buffers in order. */
  private abstract static class Base implements Reader {
    private final AtomicReference<Flow.@Nullable Subscription> subscription = new AtomicReference<>();
    private final CompletableFuture<Void> body = new CompletableFuture<>();
    private volatile boolean cancelled;

    @Override
    public final void onSubscribe(Flow.Subscription s) {
      subscription.set(s);
      if (cancelled) {
        s.cancel();
        return;
      }
      subscribed();
      if (!cancelled) {
        s.request(Long.MAX_VALUE);
      }
    }

    void subscribed() {}

    @Override
    public final void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer b : buffers) {
        if (cancelled) {
          return;
        }
        next(b);
      }
    }

    abstract void next(ByteBuffer buffer);

    abstract void completed();

    void failed(Throwable failure) {}

    @Override
    public final void onError(Throwable failure) {
      if (!cancelled) {
        failed(failure);
      }
      body.completeExceptionally(failure); // the exchange fails with it, and the attempt with that
    }

    @Override
    public final void onComplete() {
      if (!cancelled) {
        completed();
      }
      body.complete(null);
    }

    @Override
    public final void cancel() {
      cancelled = true;
      Flow.Subscription s = subscription.get();
      if (s != null) {
        s.cancel();
      }
      body.complete(null);
    }

    final boolean cancelled() {
      return cancelled;
    }

    @Override
    public final CompletionStage<Void> getBody() {
      return body;
    }
  }

  /** The event-stream reader; see {@link #events}. */
  private static final class Events extends Base {
    private final StreamDecoder decoder;
    private final long maxTotal;
    private final int maxEvent;
    private final Outcome outcome;
    private final SseEventReader reader;
    private byte[] line = new byte[256];
    private int lineLength;
    private long total;
    private long eventBytes;
    private boolean afterCr;

    Events(StreamDecoder decoder, long maxTotal, int maxEvent, Outcome outcome) {
      this.decoder = decoder;
      this.maxTotal = maxTotal;
      this.maxEvent = maxEvent;
      this.outcome = outcome;
      this.reader = new SseEventReader(decoder::onEvent);
    }

    @Override
    void next(ByteBuffer buffer) {
      boolean answered = decoder.complete();
      if (outcome.done() && !answered) {
        cancel(); // failed or cancelled: read no more
        return;
      }
      total += buffer.remaining();
      if (total > maxTotal) {
        stop(decoder.unreadable("the stream passed the cap of " + maxTotal + " bytes (maxResponseBytes)",
            "response_too_large", null));
        return;
      }
      if (answered) {
        buffer.position(buffer.limit()); // what follows the terminal event is drained, within the cap
        return;
      }
      for (int i = buffer.position(), end = buffer.limit(); i < end && !cancelled(); i++) {
        byte b = buffer.get(i);
        if (b == '\n' || b == '\r') {
          if (b == '\n' && afterCr) {
            afterCr = false; // the LF of a CRLF: the line already ended at the CR
            continue;
          }
          afterCr = b == '\r';
          endLine();
        } else {
          afterCr = false;
          if (eventBytes + lineLength >= maxEvent) {
            stop(decoder.unreadable("stream event " + (decoder.events() + 1) + " passed the cap of " + maxEvent
                + " bytes (maxEventBytes)", "event_too_large", null));
            return;
          }
          if (lineLength == line.length) {
            line = Arrays.copyOf(line, Math.min(maxEvent, 2 * line.length));
          }
          line[lineLength++] = b;
        }
      }
      buffer.position(buffer.limit());
    }

    private void endLine() {
      eventBytes = lineLength == 0 ? 0 : eventBytes + lineLength + 1;
      String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
      lineLength = 0;
      deliver(() -> reader.line(text));
    }

    /** Runs one step of decoding; a failure ends the stream with a typed exception. */
    private void deliver(Runnable step) {
      try {
        step.run();
        if (decoder.complete() && !outcome.done()) {
          // The terminal event ends the answer; the rest of the body (normally nothing) is drained.
          outcome.complete(decoder::finish);
        }
      } catch (LlmException e) {
        stop(e);
      } catch (RuntimeException e) {
        stop(decoder.unreadable("stream event " + decoder.events() + " could not be read ("
            + e.getClass().getSimpleName() + ")", "malformed_response", e));
      }
    }

    private void stop(LlmException failure) {
      outcome.fail(failure);
      cancel();
    }

    @Override
    void completed() {
      if (!outcome.done() && lineLength > 0) {
        endLine();
      }
      if (!outcome.done()) {
        deliver(reader::end);
      }
      if (!outcome.done()) {
        outcome.complete(decoder::finish);
      }
    }

    @Override
    void failed(Throwable failure) {
      if (outcome.done()) {
        return;
      }
      Throwable cause = ProviderErrors.unwrap(failure);
      outcome.fail(decoder.interrupted(
          "the connection failed mid-stream (" + cause.getClass().getSimpleName() + ")", "connection_failed", cause));
    }
  }
}
