package dev.llmops.core.transcript;

import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Message;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.redaction.Redactor;
import dev.llmops.core.sink.BatchSink;
import dev.llmops.core.sink.SinkQueue;
import dev.llmops.core.sink.SinkStats;
import dev.llmops.core.sink.internal.RecordQueues;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Opt-in storage of prompts and answers for debugging, redacted before they are stored. Register
 * it as a listener; it keeps ended calls in memory, oldest first.
 *
 * <pre>{@code
 * TranscriptStore transcripts = TranscriptStore.builder()
 *     .clock(clock)                       // the client's clock
 *     .ttl(Duration.ofHours(24))
 *     .maxEntries(1_000).maxBytes(8 << 20)
 *     .sampleRate(0.1)                    // keep one call in ten
 *     .build();
 * LlmClient client = LlmClient.builder().model("m", model).listener(transcripts).build();
 * transcripts.purgeSubject(userId);       // right to be forgotten
 * }</pre>
 *
 * <p>Retention: a transcript older than the TTL (on the injected clock) is dropped on the next
 * write or read; beyond {@code maxEntries} or {@code maxBytes} the oldest are dropped. Sampling
 * draws from the injected {@link RandomGenerator}. The raw subject is never stored: only its
 * pseudonym under the {@link SubjectKey} (an HMAC, not a plain hash a dictionary could reverse),
 * which {@link #purgeSubject} matches. Thread-safe.
 *
 * <p>Durable stores: {@link Builder#sink} forwards every kept transcript to a {@link BatchSink} (a
 * database) through a bounded queue of its own ({@link Builder#queue}, named {@code transcripts.0},
 * ...), drained by the queue's thread, so a slow or failing store never holds up the thread that
 * ends a call. Redaction happens before a transcript is queued, so neither the queue nor its
 * journal file ever holds unredacted text. The in-memory copy is written directly: it is an append
 * under a short lock. {@link #close()} flushes the queues.
 */
public final class TranscriptStore implements CallListener, AutoCloseable {
  private final Clock clock;
  private final Duration ttl;
  private final int maxEntries;
  private final long maxBytes;
  private final double sampleRate;
  private final RandomGenerator random;
  private final Redactor redactor;
  private final SubjectKey subjectKey;
  private final RecordQueues<Transcript> queues;

  // Guarded by this.
  private final ArrayDeque<Transcript> entries = new ArrayDeque<>();
  private long bytes;

  private TranscriptStore(Builder b) {
    this.clock = b.clock;
    this.ttl = b.ttl;
    this.maxEntries = b.maxEntries;
    this.maxBytes = b.maxBytes;
    this.sampleRate = b.sampleRate;
    this.random = b.random;
    this.redactor = b.redactor;
    this.subjectKey = b.subjectKey;
    this.queues = RecordQueues.open("transcripts", b.queue, b.sinks, TranscriptCodec.INSTANCE, b.clock, b.scheduler);
  }

  /**
   * A builder with the defaults: system clock, TTL 24 hours, 1,000 entries, 8 MiB, every call kept,
   * a random subject key, no durable sink.
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void callEnd(CallInfo call, ChatResponse response) {
    record(call, redactor.redact(response.text()), null);
  }

  @Override
  public void callFailed(CallInfo call, Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    String message = e.getMessage();
    record(call, null, e.getClass().getName() + (message == null ? "" : ": " + redactor.redact(message)));
  }

  private void record(CallInfo call, @Nullable String answer, @Nullable String error) {
    if (!sampled()) {
      return;
    }
    List<Message> messages = new ArrayList<>(call.originalRequest().messages().size());
    for (Message m : call.originalRequest().messages()) {
      messages.add(new Message(m.role(), redactor.redact(m.content()), List.of(), m.toolCallId(), m.toolError()));
    }
    String subject = call.context().subject();
    Transcript t = new Transcript(
        call.callId(), clock.instant(), redactor.redactNullable(call.context().tenant()),
        subject == null ? null : subjectKey.pseudonym(subject), call.originalRequest().model(), messages, answer, error);
    add(t);
    queues.offer(t);
  }

  private boolean sampled() {
    if (sampleRate >= 1.0) {
      return true;
    }
    synchronized (this) {
      return random.nextDouble() < sampleRate;
    }
  }

  /** Stores a transcript (already redacted), applying retention. */
  synchronized void add(Transcript t) {
    entries.addLast(t);
    bytes += t.sizeBytes();
    expire(clock.instant());
    while (!entries.isEmpty() && (entries.size() > maxEntries || bytes > maxBytes)) {
      bytes -= entries.removeFirst().sizeBytes();
    }
  }

  private void expire(Instant now) {
    Instant oldest = now.minus(ttl);
    while (!entries.isEmpty() && entries.peekFirst().at().isBefore(oldest)) {
      bytes -= entries.removeFirst().sizeBytes();
    }
  }

  /** The stored transcripts, oldest first, after dropping expired ones. */
  public synchronized List<Transcript> all() {
    expire(clock.instant());
    return List.copyOf(entries);
  }

  /** The stored transcripts of {@code subject}, oldest first. */
  public synchronized List<Transcript> bySubject(String subject) {
    expire(clock.instant());
    String h = subjectKey.pseudonym(subject);
    List<Transcript> out = new ArrayList<>();
    for (Transcript t : entries) {
      if (h.equals(t.subjectHash())) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * Deletes every transcript of {@code subject} (right to be forgotten).
   *
   * @return how many were deleted
   */
  public synchronized int purgeSubject(String subject) {
    String h = subjectKey.pseudonym(subject);
    int removed = 0;
    for (Iterator<Transcript> it = entries.iterator(); it.hasNext(); ) {
      Transcript t = it.next();
      if (h.equals(t.subjectHash())) {
        it.remove();
        bytes -= t.sizeBytes();
        removed++;
      }
    }
    return removed;
  }

  /** How many transcripts are stored (expired ones included until the next read or write). */
  public synchronized int size() {
    return entries.size();
  }

  /** The estimated bytes the stored transcripts hold. */
  public synchronized long bytes() {
    return bytes;
  }

  /** The counters of each durable sink's queue, in the order the sinks were added. */
  public List<SinkStats> sinkStats() {
    return queues.stats();
  }

  /**
   * Flushes and closes the durable sinks' queues, each waiting up to its close timeout; the
   * in-memory copy stays readable, and transcripts of calls ending later are kept in memory and
   * journaled or dropped (counted) for the sinks. Idempotent.
   */
  @Override
  public void close() {
    queues.close();
  }

  /** Builds a {@link TranscriptStore}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private Duration ttl = Duration.ofHours(24);
    private int maxEntries = 1_000;
    private long maxBytes = 8L << 20;
    private double sampleRate = 1.0;
    private RandomGenerator random = new SplittableRandom();
    private Redactor redactor = Redactor.defaults();
    private SubjectKey subjectKey = SubjectKey.random();
    private final List<RecordQueues.Target<Transcript>> sinks = new ArrayList<>();
    private SinkQueue queue = SinkQueue.builder().capacity(1_000).build();
    private @Nullable TaskScheduler scheduler;

    private Builder() {}

    /**
     * Forwards every kept transcript (redacted) to {@code sink}, in batches, through a queue of its
     * own; repeatable. A batch is given again whole after the sink throws, so write it atomically
     * or idempotently on the call id.
     */
    public Builder sink(BatchSink<Transcript> sink) {
      sinks.add(new RecordQueues.Target<>(Objects.requireNonNull(sink, "sink"), false));
      return this;
    }

    /**
     * Sets the queue of each durable sink (default: {@link SinkQueue#defaults()} with a capacity
     * of 1,000, since transcripts are large). With a journal file, the first sink's queue uses the
     * file as named, the n-th ({@code n >= 1}) adds {@code .n}.
     */
    public Builder queue(SinkQueue queue) {
      this.queue = Objects.requireNonNull(queue, "queue");
      return this;
    }

    /** Sets where the queues' retry delays run (default: each queue's own thread); use the client's. */
    public Builder scheduler(TaskScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Sets the clock retention (and the queues' deadlines) are measured on; use the client's clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets how long a transcript is kept.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder ttl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("ttl must be positive but was " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /**
     * Sets the most transcripts kept.
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder maxEntries(int maxEntries) {
      if (maxEntries < 1) {
        throw new IllegalArgumentException("maxEntries must be >= 1 but was " + maxEntries);
      }
      this.maxEntries = maxEntries;
      return this;
    }

    /**
     * Sets the most (estimated) bytes kept.
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes < 1) {
        throw new IllegalArgumentException("maxBytes must be >= 1 but was " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * Sets the share of calls kept, in {@code [0, 1]} (default 1: all).
     *
     * @throws IllegalArgumentException if outside {@code [0, 1]}
     */
    public Builder sampleRate(double sampleRate) {
      if (!(sampleRate >= 0 && sampleRate <= 1)) {
        throw new IllegalArgumentException("sampleRate must be in [0, 1] but was " + sampleRate);
      }
      this.sampleRate = sampleRate;
      return this;
    }

    /** Sets the random source of sampling (default a new {@link SplittableRandom}); seed it in tests. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Sets the key of subject pseudonyms (default {@link SubjectKey#random()}, which lasts as long
     * as this store). Set the same key on every replica and restart, and on a durable store's
     * purge, when transcripts outlive the process.
     */
    public Builder subjectKey(SubjectKey subjectKey) {
      this.subjectKey = Objects.requireNonNull(subjectKey, "subjectKey");
      return this;
    }

    /** Sets the redactor (default {@link Redactor#defaults()}). */
    public Builder redactor(Redactor redactor) {
      this.redactor = Objects.requireNonNull(redactor, "redactor");
      return this;
    }

    /**
     * Builds the store, opening one queue per durable sink (their threads start on first use).
     *
     * @throws IllegalStateException if a queue's journal file is held by another queue
     * @throws java.io.UncheckedIOException if a queue's journal file cannot be opened or read
     */
    public TranscriptStore build() {
      return new TranscriptStore(this);
    }
  }
}
