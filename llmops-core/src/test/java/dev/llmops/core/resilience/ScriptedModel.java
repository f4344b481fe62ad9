package dev.llmops.core.resilience;

import dev.llmops.api.AuthenticationException;
import dev.llmops.api.Cancellable;
import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.ContentFilteredException;
import dev.llmops.api.FinishReason;
import dev.llmops.api.InvalidRequestException;
import dev.llmops.api.LlmException;
import dev.llmops.api.LlmException.ErrorDetails;
import dev.llmops.api.OverloadedException;
import dev.llmops.api.ProviderUnavailableException;
import dev.llmops.api.QuotaExhaustedException;
import dev.llmops.api.RateLimitedException;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.api.time.TaskScheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A model endpoint scripted by a test, for the resilience tests in this module (which cannot use
 * the testkit's fake): queued replies and faults, then a standing reply. Latency and a stream's
 * chunk interval run on a {@link Hand}; a stream sends the reply's text one word per chunk.
 * Counts calls, cancellations and attempts in flight. Thread-safe.
 */
final class ScriptedModel implements ChatModel {
  private final String id;
  private final TaskScheduler scheduler;
  private final Duration chunkInterval;
  private final ArrayDeque<Reply> queued = new ArrayDeque<>(); // guarded by this
  private Reply standing; // guarded by this
  private @Nullable ChatRequest lastRequest; // guarded by this
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger cancelled = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  ScriptedModel(String id, TaskScheduler scheduler, Duration chunkInterval) {
    this.id = id;
    this.scheduler = scheduler;
    this.chunkInterval = chunkInterval;
    // Twelve words: a stream of the standing reply takes twelve chunk intervals.
    this.standing = Reply.text("the scripted endpoint answers with twelve words so that streams take time");
  }

  /** The next calls get these replies, in order, before the standing reply. */
  synchronized ScriptedModel enqueue(Reply... replies) {
    queued.addAll(List.of(replies));
    return this;
  }

  /** Every call after the queued ones answers {@code text}. */
  synchronized ScriptedModel reply(String text) {
    standing = Reply.text(text);
    return this;
  }

  /** Starts a failure script: {@code .once()}, {@code .times(n)} or {@code .always()}. */
  FailureScript failWith(Fault fault) {
    return new FailureScript(this, fault);
  }

  int callCount() {
    return calls.get();
  }

  int cancelledCount() {
    return cancelled.get();
  }

  int inFlight() {
    return inFlight.get();
  }

  int maxInFlight() {
    return maxInFlight.get();
  }

  synchronized @Nullable ChatRequest lastRequest() {
    return lastRequest;
  }

  @Override
  public CompletableFuture<ChatResponse> execute(ChatRequest request, ModelExchange exchange) {
    Reply reply;
    synchronized (this) {
      Reply next = queued.poll();
      reply = next != null ? next : standing;
      lastRequest = request;
    }
    calls.incrementAndGet();
    return new Run(reply, exchange).start();
  }

  /** A failure script started by {@link #failWith}. */
  static final class FailureScript {
    private final ScriptedModel model;
    private final Fault fault;

    private FailureScript(ScriptedModel model, Fault fault) {
      this.model = model;
      this.fault = fault;
    }

    /** The next call fails. */
    ScriptedModel once() {
      return times(1);
    }

    /** The next {@code n} calls fail. */
    ScriptedModel times(int n) {
      Reply[] replies = new Reply[n];
      java.util.Arrays.fill(replies, Reply.failing(fault));
      return model.enqueue(replies);
    }

    /** Every call after the queued ones fails. */
    ScriptedModel always() {
      synchronized (model) {
        model.standing = Reply.failing(fault);
      }
      return model;
    }
  }

  /** One scripted answer: its text, its latency and its fault, if any. */
  record Reply(String text, Duration latency, @Nullable Fault fault) {
    static Reply text(String text) {
      return new Reply(text, Duration.ZERO, null);
    }

    static Reply failing(Fault fault) {
      return new Reply("", Duration.ZERO, fault);
    }

    /** This reply, after {@code latency} (for a stream, its first chunk). */
    Reply after(Duration latency) {
      return new Reply(text, latency, fault);
    }

    /** This reply, with {@code fault} (a stream cut, say). */
    Reply withStreamFault(Fault fault) {
      return new Reply(text, latency, fault);
    }
  }

  /** How a scripted attempt goes wrong. */
  static final class Fault {
    enum Kind { ERROR, HANG, STREAM_CUT }

    final Kind kind;
    final Function<String, LlmException> error;
    final int cutAfter;

    private Fault(Kind kind, Function<String, LlmException> error, int cutAfter) {
      this.kind = kind;
      this.error = error;
      this.cutAfter = cutAfter;
    }

    private static Fault error(Function<String, LlmException> error) {
      return new Fault(Kind.ERROR, error, 0);
    }

    /** HTTP 429 asking to retry after {@code retryAfter}. */
    static Fault rateLimited(Duration retryAfter) {
      return error(m -> new RateLimitedException(
          "scripted: rate limited, retry after " + retryAfter,
          new ErrorDetails("scripted", m, 429, "rate_limit_exceeded", retryAfter, Map.of())));
    }

    static Fault quotaExhausted() {
      return error(m -> new QuotaExhaustedException(
          "scripted: quota exhausted", ErrorDetails.of("scripted", m).withHttpStatus(429).withErrorCode("insufficient_quota")));
    }

    static Fault serverError(int status) {
      return error(m -> new ProviderUnavailableException(
          "scripted: unavailable (HTTP " + status + ")", ErrorDetails.of("scripted", m).withHttpStatus(status)));
    }

    static Fault overloaded() {
      return error(m -> new OverloadedException("scripted: overloaded", ErrorDetails.of("scripted", m).withHttpStatus(529)));
    }

    static Fault invalidRequest() {
      return error(m -> new InvalidRequestException("scripted: invalid request", ErrorDetails.of("scripted", m).withHttpStatus(400)));
    }

    static Fault authentication() {
      return error(m -> new AuthenticationException("scripted: authentication", ErrorDetails.of("scripted", m).withHttpStatus(401)));
    }

    static Fault contentFiltered() {
      return error(m -> new ContentFilteredException("scripted: content filtered", ErrorDetails.of("scripted", m)));
    }

    /** Never answers until cancelled. */
    static Fault hang() {
      return new Fault(Kind.HANG, m -> {
        throw new IllegalStateException("a hanging attempt makes no error");
      }, 0);
    }

    /** A stream cut after {@code chunks} chunks (a non-streaming call: the connection closes mid-body). */
    static Fault streamCutAfter(int chunks) {
      return new Fault(Kind.STREAM_CUT, m -> new ProviderUnavailableException(
          "scripted: connection closed in the middle of the body", ErrorDetails.of("scripted", m)), chunks);
    }
  }

  /** One attempt: answers at once, after its latency, chunk by chunk, or never. */
  private final class Run implements Runnable {
    private final Reply reply;
    private final ModelExchange exchange;
    private final CompletableFuture<ChatResponse> result = new CompletableFuture<>();
    private final AtomicBoolean tracked = new AtomicBoolean();
    private final StringBuilder sent = new StringBuilder();
    private volatile @Nullable Cancellable pending;
    private @Nullable List<String> pieces;
    private int emitted;

    Run(Reply reply, ModelExchange exchange) {
      this.reply = reply;
      this.exchange = exchange;
    }

    CompletableFuture<ChatResponse> start() {
      Fault fault = reply.fault();
      if (fault != null && fault.kind == Fault.Kind.HANG) {
        track();
        return result;
      }
      boolean streamsSlowly = exchange.streaming() && !chunkInterval.isZero();
      if (reply.latency().isZero() && !streamsSlowly) {
        run();
        return result;
      }
      track();
      pending = scheduler.schedule(this, reply.latency());
      return result;
    }

    private void track() {
      tracked.set(true);
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      exchange.onCancel(() -> {
        Cancellable p = pending;
        if (p != null) {
          p.cancel();
        }
        if (untrack()) {
          cancelled.incrementAndGet();
        }
      });
    }

    private boolean untrack() {
      if (tracked.compareAndSet(true, false)) {
        inFlight.decrementAndGet();
        return true;
      }
      return false;
    }

    @Override
    public void run() {
      if (exchange.cancelled()) {
        untrack();
        return;
      }
      Fault fault = reply.fault();
      if (fault != null && fault.kind == Fault.Kind.ERROR) {
        fail(fault.error.apply(id));
        return;
      }
      Fault cut = fault != null && fault.kind == Fault.Kind.STREAM_CUT ? fault : null;
      if (!exchange.streaming()) {
        if (cut != null) {
          fail(cut.error.apply(id));
        } else {
          answer();
        }
        return;
      }
      List<String> p = pieces;
      if (p == null) {
        p = List.of(reply.text().split("(?<= )"));
        pieces = p;
      }
      int limit = cut != null ? Math.min(cut.cutAfter, p.size()) : p.size();
      while (emitted < limit) {
        String piece = p.get(emitted);
        exchange.emit(ChatChunk.text(emitted, piece));
        sent.append(piece);
        emitted++;
        if (!chunkInterval.isZero() && emitted < limit) {
          pending = scheduler.schedule(this, chunkInterval);
          return;
        }
      }
      if (cut != null) {
        fail(new StreamInterruptedException(
            "scripted: stream cut after " + emitted + " chunks",
            ErrorDetails.of("scripted", id), sent.toString(), null, emitted, true, null));
        return;
      }
      exchange.emit(new ChatChunk(emitted, "", FinishReason.STOP, Usage.of(3, emitted)));
      answer();
    }

    private void answer() {
      untrack();
      result.complete(ChatResponse.of("r-" + calls.get(), id, reply.text(), FinishReason.STOP, Usage.of(3, 2)));
    }

    private void fail(Throwable error) {
      untrack();
      result.completeExceptionally(error);
    }
  }
}
