package dev.llmops.core;

import dev.llmops.api.ChatChunk;
import dev.llmops.api.Completion;
import dev.llmops.core.pipeline.Failures;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/** A one-subscriber {@link Flow.Publisher} over a streaming call, honouring demand. */
final class ChunkPublisher implements Flow.Publisher<ChatChunk> {
  private final CallBuilder call;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  ChunkPublisher(CallBuilder call) {
    this.call = call;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override public void request(long n) {}
        @Override public void cancel() {}
      });
      subscriber.onError(new IllegalStateException("this publisher allows one subscriber"));
      return;
    }
    Subscription subscription = new Subscription(subscriber);
    subscriber.onSubscribe(subscription);
    subscription.start(call);
  }

  private static final class Subscription implements Flow.Subscription {
    private final Flow.Subscriber<? super ChatChunk> subscriber;
    // Guarded by this.
    private final ArrayDeque<ChatChunk> buffer = new ArrayDeque<>();
    private long demand;
    private boolean completed;
    private @Nullable Throwable failure;
    private boolean terminated;
    private boolean draining;
    private @Nullable StreamingCall streaming;

    Subscription(Flow.Subscriber<? super ChatChunk> subscriber) {
      this.subscriber = subscriber;
    }

    void start(CallBuilder call) {
      StreamingCall s = call.stream(this::onChunk);
      synchronized (this) {
        streaming = s;
        if (terminated) {
          s.cancel();
          return;
        }
      }
      var unused = s.completion().whenComplete(this::onEnd);
    }

    private void onChunk(ChatChunk chunk) {
      synchronized (this) {
        buffer.add(chunk);
      }
      drain();
    }

    private void onEnd(@Nullable Completion completion, @Nullable Throwable error) {
      synchronized (this) {
        if (completed) {
          return;
        }
        if (error != null) {
          Throwable cause = Failures.unwrap(error);
          if (!(cause instanceof CancellationException && terminated)) {
            failure = cause;
          }
        }
        completed = true;
      }
      drain();
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        StreamingCall s;
        synchronized (this) {
          if (terminated || completed) {
            return;
          }
          failure = new IllegalArgumentException("request(n) needs n > 0 (Reactive Streams rule 3.9) but was " + n);
          completed = true;
          buffer.clear();
          s = streaming;
        }
        drain();
        if (s != null) {
          s.cancel();
        }
        return;
      }
      synchronized (this) {
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      }
      drain();
    }

    @Override
    public void cancel() {
      StreamingCall s;
      synchronized (this) {
        if (terminated) {
          return;
        }
        terminated = true;
        buffer.clear();
        s = streaming;
      }
      if (s != null) {
        s.cancel();
      }
    }

    private void drain() {
      synchronized (this) {
        if (draining) {
          return;
        }
        draining = true;
      }
      while (true) {
        ChatChunk next = null;
        boolean finish = false;
        Throwable error = null;
        synchronized (this) {
          if (terminated) {
            draining = false;
            return;
          }
          if (demand > 0 && !buffer.isEmpty()) {
            next = buffer.poll();
            demand--;
          } else if (completed && (buffer.isEmpty() || failure != null)) {
            finish = true;
            error = failure;
            terminated = true;
          } else {
            draining = false;
            return;
          }
        }
        if (next != null) {
          subscriber.onNext(next);
        } else if (finish) {
          if (error != null) {
            subscriber.onError(error);
          } else {
            subscriber.onComplete();
          }
          synchronized (this) {
            draining = false;
          }
          return;
        }
      }
    }
  }
}
