package dev.llmops.core.sink.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.api.Cancellable;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.redaction.RedactingLogger;
import dev.llmops.core.sink.BatchSink;
import dev.llmops.core.sink.OverflowPolicy;
import dev.llmops.core.sink.SinkEvent;
import dev.llmops.core.sink.SinkEvent.DropReason;
import dev.llmops.core.sink.SinkQueue;
import dev.llmops.core.sink.SinkStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A bounded queue of records in front of one sink, drained in batches by the queue's own thread,
 * so that offering a record never waits on the sink (unless the policy is {@link
 * OverflowPolicy#BLOCK} and the queue is full).
 *
 * <p><b>Threads.</b> {@link #offer} runs on the caller's thread and holds the queue's lock only to
 * add the record (and, when the journal is in use, to append one line to it). Writes run on one
 * daemon thread the queue owns ({@code llmops-sink-<name>}, started on first use), one batch at a
 * time, outside the lock. Retry delays and deadlines run on the injected {@link TaskScheduler}
 * and {@link Clock} (the client's), or on the queue's own thread when none is injected.
 *
 * <p><b>Order.</b> Records reach the sink in the order {@link #offer} accepted them, across the
 * journal too: once a record has gone to the journal, later ones follow it there until the journal
 * has been read back. A batch that fails is retried before anything behind it is written. The one
 * exception is {@link #close()} with a journal: records still in memory when the close timeout runs
 * out are appended after those already in the journal.
 *
 * <p><b>Accounting.</b> Every record offered ends up delivered, dropped for a {@link DropReason}
 * (counted, logged, reported as a {@link SinkEvent}), or still waiting (in memory or in the
 * journal); {@link #stats()} balances at every instant. Thread-safe.
 *
 * @param <T> the record type
 */
public final class RecordQueue<T> implements AutoCloseable {
  private static final RedactingLogger LOG = RedactingLogger.of(RecordQueue.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** What became of an offered record. */
  public enum Offer {
    /** Queued in memory. */
    ACCEPTED,
    /** Appended to the journal file. */
    JOURNALED,
    /** Dropped, counted and reported. */
    DROPPED
  }

  private enum State {
    /** Nothing to write; the next offer starts a drain. */
    IDLE,
    /** A drain is submitted or running. */
    RUNNING,
    /** A failed batch waits for its retry. */
    WAITING,
    /** Closed: nothing runs any more. */
    STOPPED
  }

  private final String name;
  private final SinkQueue config;
  private final BatchSink<T> sink;
  private final int maxBatch;
  private final JournalCodec<T> codec;
  private final Clock clock;
  private final TaskScheduler delays;
  private final Executor executor;
  private final @Nullable ScheduledThreadPoolExecutor ownThread;
  private final @Nullable Journal journal;
  private final Runnable drainTask = this::drain;
  private final AtomicBoolean listenerFailed = new AtomicBoolean();

  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled when room appears, the queue empties, or a deadline task fires. */
  private final Condition changed = lock.newCondition();

  // Guarded by lock.
  private final ArrayDeque<Entry<T>> memory = new ArrayDeque<>();
  private final ArrayDeque<SinkEvent> outbox = new ArrayDeque<>();
  private final EnumMap<DropReason, Long> drops = new EnumMap<>(DropReason.class);
  private State state = State.IDLE;
  private int attempt;
  private @Nullable Cancellable retryTask;
  private boolean closed;
  private boolean finished;
  private boolean failing;
  private long offered;
  private long delivered;
  private long failures;
  private long retries;
  private long corrupt;
  /** Entries in memory that mark corrupt journal lines (no record). */
  private int markers;

  /**
   * A queue named {@code name} in front of {@code sink}, with its own writer thread.
   *
   * @param perRecord true for a single-record sink: batches of one, so a failure retries only the
   *     record that failed
   * @param scheduler where retry delays and deadlines run; null: on the queue's own thread
   * @throws IllegalStateException if the journal file is held by another queue
   * @throws UncheckedIOException if the journal file cannot be opened or read
   */
  public static <T> RecordQueue<T> open(String name, SinkQueue config, BatchSink<T> sink, boolean perRecord,
      JournalCodec<T> codec, Clock clock, @Nullable TaskScheduler scheduler) {
    return new RecordQueue<>(name, config, sink, perRecord, codec, clock, scheduler, null);
  }

  /**
   * As {@link #open}, with the executor that runs drains (tests pass one they run by hand); it must
   * run tasks on another thread or later, never inline, since drains are submitted under the lock.
   */
  RecordQueue(String name, SinkQueue config, BatchSink<T> sink, boolean perRecord, JournalCodec<T> codec, Clock clock,
      @Nullable TaskScheduler scheduler, @Nullable Executor executor) {
    this.name = Objects.requireNonNull(name, "name");
    this.config = Objects.requireNonNull(config, "config");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.maxBatch = perRecord ? 1 : config.maxBatch();
    this.codec = Objects.requireNonNull(codec, "codec");
    this.clock = Objects.requireNonNull(clock, "clock");
    Path file = config.journal();
    Journal j = null;
    if (file != null) {
      try {
        j = Journal.open(file, config.journalMaxBytes());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open the journal of sink queue '" + name + "': " + e.getMessage(), e);
      }
    }
    this.journal = j;
    if (executor == null || scheduler == null) {
      ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread t = new Thread(runnable, "llmops-sink-" + name + "-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      own.setRemoveOnCancelPolicy(true);
      own.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      this.ownThread = own;
    } else {
      this.ownThread = null;
    }
    this.executor = executor != null ? executor : Objects.requireNonNull(ownThread);
    this.delays = scheduler != null ? scheduler : delaysOn(Objects.requireNonNull(ownThread));
    if (j != null && j.replayed > 0) {
      lock.lock();
      try {
        event(SinkEvent.Kind.JOURNAL_REPLAYED, null, j.replayed, j.file + " from byte " + j.startPosition());
        kick();
      } finally {
        lock.unlock();
      }
      publishOutbox();
    }
  }

  /**
   * The configuration of queue {@code index} (from 0) of an owner with several sinks: with a
   * journal, the first uses the file as named and the n-th adds {@code .n}, so none shares a file
   * and adding a sink keeps the first one's journal.
   */
  public static SinkQueue numbered(SinkQueue config, int index) {
    Path file = config.journal();
    if (file == null || index == 0) {
      return config;
    }
    return config.toBuilder().journal(file.resolveSibling(file.getFileName() + "." + index)).build();
  }

  /**
   * Schedules on the injected scheduler, or on the queue's own thread when that one refuses (an
   * application that closed its scheduler before the client): a retry that is never scheduled would
   * leave the queue waiting for ever.
   */
  private Cancellable later(Runnable task, Duration delay) {
    try {
      return delays.schedule(task, delay);
    } catch (RuntimeException e) {
      ScheduledThreadPoolExecutor own = ownThread;
      if (own == null || own.isShutdown()) {
        throw e;
      }
      return delaysOn(own).schedule(task, delay);
    }
  }

  private static TaskScheduler delaysOn(ScheduledThreadPoolExecutor thread) {
    return (task, delay) -> {
      ScheduledFuture<?> f = thread.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    };
  }

  /** The queue's name, as its stats and events show it. */
  public String name() {
    return name;
  }

  /**
   * Offers one record: queued, journaled or dropped per the policy; never throws because of the
   * sink. Waits only under {@link OverflowPolicy#BLOCK} with a full queue, up to its timeout.
   */
  public Offer offer(T record) {
    Objects.requireNonNull(record, "record");
    Offer result;
    boolean publish;
    lock.lock();
    try {
      offered++;
      if (closed) {
        result = journal != null && !finished ? spill(record) : drop(DropReason.CLOSED, 1, "offered after close");
      } else if (journal != null && journal.unread > 0) {
        result = spill(record); // behind the records already in the journal, to keep the order
      } else if (memory.size() < config.capacity()) {
        result = accept(record);
      } else {
        result = switch (config.overflow()) {
          case DROP -> drop(DropReason.QUEUE_FULL, 1, "queue full (" + config.capacity() + " records)");
          case JOURNAL -> spill(record);
          case BLOCK -> awaitRoom(record);
        };
      }
      publish = !outbox.isEmpty();
    } finally {
      lock.unlock();
    }
    if (publish) {
      publishOutbox();
    }
    return result;
  }

  private Offer accept(T record) {
    memory.addLast(new Entry<>(record, -1));
    kick();
    return Offer.ACCEPTED;
  }

  private Offer awaitRoom(T record) {
    Duration timeout = config.blockTimeout();
    await(() -> closed || memory.size() < config.capacity(), timeout);
    if (!closed && memory.size() < config.capacity()) {
      return accept(record);
    }
    return closed
        ? drop(DropReason.CLOSED, 1, "closed while waiting for room")
        : drop(DropReason.BLOCK_TIMEOUT, 1, "no room within " + timeout);
  }

  /**
   * Waits, under the lock, until {@code done} holds or {@code timeout} has passed: on the injected
   * clock (woken by a task on the injected scheduler), and never longer in real time either, so that
   * a test clock nobody advances cannot hang the caller.
   */
  private void await(BooleanSupplier done, Duration timeout) {
    if (done.getAsBoolean() || timeout.isZero()) {
      return;
    }
    Instant deadline = clock.instant().plus(timeout);
    Cancellable wake = later(this::signal, timeout);
    long realLeft = saturatedNanos(timeout);
    try {
      while (!done.getAsBoolean()) {
        long clockLeft = saturatedNanos(Duration.between(clock.instant(), deadline));
        if (clockLeft <= 0 || realLeft <= 0) {
          return;
        }
        long wait = Math.min(clockLeft, realLeft);
        realLeft -= wait - changed.awaitNanos(wait); // awaitNanos says how much of the wait is left
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      wake.cancel();
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private Offer spill(T record) {
    Journal j = Objects.requireNonNull(journal);
    byte[] line;
    try {
      line = lineOf(record);
    } catch (RuntimeException | JsonProcessingException e) {
      return drop(DropReason.JOURNAL_FAILED, 1, "cannot encode a record: " + e.getClass().getName());
    }
    try {
      if (!j.append(line)) {
        return drop(DropReason.JOURNAL_FULL, 1, j.file + " reached " + config.journalMaxBytes() + " bytes");
      }
    } catch (IOException e) {
      return drop(DropReason.JOURNAL_FAILED, 1, j.file + ": " + e.getClass().getName());
    }
    if (!finished) {
      kick(); // the drain reads it back when there is room
    }
    return Offer.JOURNALED;
  }

  private byte[] lineOf(T record) throws JsonProcessingException {
    byte[] json = JSON.writeValueAsBytes(codec.encode(record));
    byte[] line = new byte[json.length + 1];
    System.arraycopy(json, 0, line, 0, json.length);
    line[json.length] = '\n';
    return line;
  }

  private Offer drop(DropReason reason, long n, String detail) {
    drops.merge(reason, n, Long::sum);
    event(SinkEvent.Kind.DROPPED, reason, n, detail);
    return Offer.DROPPED;
  }

  private void event(SinkEvent.Kind kind, @Nullable DropReason reason, long records, String detail) {
    outbox.addLast(new SinkEvent(clock.instant(), name, kind, reason, records, detail));
  }

  /** Starts a drain if none is running or waiting; under the lock. */
  private void kick() {
    if (state == State.IDLE) {
      state = State.RUNNING;
      executor.execute(drainTask);
    }
  }

  /** Runs on the queue's thread: reads back from the journal, writes batches, until empty or failing. */
  private void drain() {
    try {
      while (drainStep()) {
        publishOutbox();
      }
    } finally {
      publishOutbox();
    }
  }

  /** One batch (or one read-back from the journal); false when the drain should stop. */
  private boolean drainStep() {
    long readFrom;
    long readTo;
    long readLine;
    int room;
    int entries = 0;
    List<T> batch;
    lock.lock();
    try {
      if (state != State.RUNNING) {
        return false;
      }
      Journal j = journal;
      if (j != null && j.unread > 0 && memory.size() < config.capacity()) {
        readFrom = j.readPos;
        readTo = j.end;
        readLine = j.readLine;
        room = config.capacity() - memory.size();
        batch = List.of();
      } else if (memory.isEmpty()) {
        state = State.IDLE;
        changed.signalAll();
        return false;
      } else {
        readFrom = -1;
        readTo = -1;
        readLine = -1;
        room = 0;
        batch = new ArrayList<>(Math.min(maxBatch, memory.size()));
        for (Iterator<Entry<T>> it = memory.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
          T record = it.next().record;
          entries++;
          if (record != null) {
            batch.add(record); // a null record marks a corrupt journal line: settled, never written
          }
        }
      }
    } finally {
      lock.unlock();
    }
    if (readFrom >= 0) {
      return readBack(readFrom, readTo, readLine, room);
    }
    Throwable error = null;
    if (!batch.isEmpty()) {
      try {
        sink.write(Collections.unmodifiableList(batch));
      } catch (Throwable t) { // NOPMD a sink may throw anything; the queue must survive it
        error = t;
      }
    }
    boolean go = written(entries, batch.size(), error);
    if (error instanceof VirtualMachineError vm) {
      throw vm; // counted and rescheduled above; the pool replaces the thread
    }
    return go;
  }

  /** Settles the head {@code entries} (holding {@code n} records) after a write; true to go on draining. */
  private boolean written(int entries, int n, @Nullable Throwable error) {
    lock.lock();
    try {
      if (finished) {
        // close() gave up waiting and already spilled or counted this batch.
        if (error == null) {
          LOG.info("sink queue '{}': a batch of {} written after close gave up on it was already journaled or "
              + "counted dropped", name, n);
        }
        return false;
      }
      if (error == null) {
        long journalEnd = removeHead(entries);
        delivered += n;
        attempt = 0;
        if (failing && n > 0) {
          failing = false;
          event(SinkEvent.Kind.RECOVERED, null, n, "written again after " + failures + " failed writes in all");
        }
        changed.signalAll();
        markDelivered(journalEnd);
        return true;
      }
      failures++;
      attempt++;
      boolean first = !failing;
      failing = true;
      event(SinkEvent.Kind.WRITE_FAILED, null, n, error.getClass().getName() + ", attempt " + attempt
          + (first ? " (first failure)" : ""));
      if (config.maxAttempts() > 0 && attempt >= config.maxAttempts()) {
        long journalEnd = removeHead(entries);
        attempt = 0;
        drop(DropReason.RETRIES_EXHAUSTED, n, "after " + config.maxAttempts() + " attempts; last: " + error.getClass().getName());
        changed.signalAll();
        markDelivered(journalEnd);
        return true;
      }
      retries++;
      state = State.WAITING;
      retryTask = later(this::retry, backoff(attempt));
      return false;
    } finally {
      lock.unlock();
    }
  }

  /** The wait before retry number {@code attempt} (from 1): doubling from the initial delay, capped. */
  private Duration backoff(int attempt) {
    Duration max = config.retryMaxDelay();
    Duration d = config.retryInitialDelay();
    for (int i = 1; i < attempt && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }

  private void retry() {
    lock.lock();
    try {
      if (state == State.WAITING) {
        state = State.RUNNING;
        retryTask = null;
        executor.execute(drainTask);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Removes the head {@code n} entries; returns where the last of them that came from the journal ends, or -1. */
  private long removeHead(int n) {
    long journalEnd = -1;
    for (int i = 0; i < n; i++) {
      Entry<T> e = memory.removeFirst();
      if (e.record == null) {
        markers--;
      }
      if (e.journalEnd >= 0) {
        journalEnd = e.journalEnd;
      }
    }
    return journalEnd;
  }

  /** After records from the journal were settled: persist the position; empty the file once all is settled. */
  private void markDelivered(long journalEnd) {
    Journal j = journal;
    if (j == null || journalEnd < 0) {
      return;
    }
    try {
      if (j.unread == 0 && journalEnd == j.end) {
        j.reset();
      } else {
        j.delivered(journalEnd);
      }
    } catch (IOException e) {
      LOG.warn("sink queue '{}': cannot record the journal position of {} ({}); a restart may deliver some records "
          + "again", name, j.file, e.getClass().getName());
    }
  }

  /** Reads lines back from the journal (outside the lock) and queues them; false when the drain should stop. */
  private boolean readBack(long from, long to, long lastLine, int room) {
    Journal j = Objects.requireNonNull(journal);
    List<Journal.Line> lines;
    try {
      lines = j.read(from, to, lastLine + 1, room);
    } catch (IOException e) {
      lock.lock();
      try {
        // Stop and retry later like a failed write; the lines stay in the file.
        failures++;
        retries++;
        event(SinkEvent.Kind.WRITE_FAILED, null, 0, "cannot read " + j.file + ": " + e.getClass().getName());
        state = State.WAITING;
        retryTask = later(this::retry, config.retryMaxDelay());
      } finally {
        lock.unlock();
      }
      return false;
    }
    List<Entry<T>> decoded = new ArrayList<>(lines.size());
    List<String> bad = new ArrayList<>();
    for (Journal.Line line : lines) {
      try {
        decoded.add(new Entry<>(codec.decode(JSON.readTree(line.bytes())), line.end()));
      } catch (IOException | RuntimeException e) {
        // A marker in its place, so the journal position moves past it only once what precedes it is delivered.
        decoded.add(new Entry<>(null, line.end()));
        String why = j.file + ":" + line.number() + ": " + (e instanceof JsonProcessingException
            ? "not JSON" : Objects.requireNonNullElse(e.getMessage(), e.getClass().getName()));
        bad.add(why);
        try {
          j.quarantine(line.bytes());
        } catch (IOException q) {
          bad.set(bad.size() - 1, why + " (and it could not be copied to " + j.corruptFile() + ": " + q.getClass().getName() + ")");
        }
      }
    }
    lock.lock();
    try {
      if (finished) {
        return false; // the lines stay in the file for the next start
      }
      memory.addAll(decoded);
      markers += bad.size();
      if (!lines.isEmpty()) {
        Journal.Line last = lines.get(lines.size() - 1);
        j.readPos = last.end();
        j.readLine = last.number();
        j.unread -= lines.size();
      }
      corrupt += bad.size();
      for (String why : bad) {
        event(SinkEvent.Kind.JOURNAL_CORRUPT, null, 1, why + " (copied to " + j.corruptFile().getFileName() + ")");
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** A snapshot of the counters; balanced (see {@link SinkStats}). */
  public SinkStats stats() {
    lock.lock();
    try {
      Journal j = journal;
      return new SinkStats(name, config.overflow(), config.capacity(), memory.size() - markers, j == null ? 0 : j.unread, offered,
          j == null ? 0 : j.replayed, delivered, drops, failures, retries, corrupt);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops taking records into memory and waits up to the close timeout (on the injected clock, and
   * never longer in real time) for the queue, and its journal, to empty, giving a batch that waits
   * for its retry one attempt at once. What is then left goes to the journal (replayed at the next
   * start) or is dropped, counted ({@link DropReason#CLOSED}); records offered meanwhile and later
   * go the same way. Idempotent.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      if (state == State.WAITING) {
        Cancellable r = retryTask;
        if (r != null) {
          r.cancel();
        }
        retryTask = null;
        state = State.RUNNING;
        executor.execute(drainTask);
      }
      Journal j = journal;
      await(() -> memory.isEmpty() && (j == null || j.unread == 0), config.closeTimeout());
      finish();
    } finally {
      lock.unlock();
    }
    publishOutbox();
    Journal j = journal;
    if (j != null) {
      try {
        j.close();
      } catch (IOException e) {
        LOG.warn("sink queue '{}': closing journal {} failed ({})", name, j.file, e.getClass().getName());
      }
    }
    if (ownThread != null) {
      ownThread.shutdown(); // a write in progress finishes; nothing new starts
    }
  }

  /** Settles what is left in memory at close; under the lock. */
  private void finish() {
    Cancellable r = retryTask;
    if (r != null) {
      r.cancel();
      retryTask = null;
    }
    Journal j = journal;
    long left = 0;
    long fromJournal = 0;
    for (Entry<T> e : memory) {
      T record = e.record;
      // A null record is a corrupt line, already counted; the next start reads (and counts) it again.
      if (record == null) {
        // nothing to settle
      } else if (e.journalEnd >= 0) {
        fromJournal++; // still in the file past the delivered position: the next start replays it
      } else if (j != null) {
        spill(record); // under the lock, as every spill; journaled, or dropped and counted
      } else {
        left++;
      }
    }
    memory.clear();
    markers = 0;
    if (j != null) {
      j.unread += fromJournal;
    }
    if (left > 0) {
      drop(DropReason.CLOSED, left, "left in the queue when the close timeout of " + config.closeTimeout() + " ran out");
    }
    finished = true;
    state = State.STOPPED;
    changed.signalAll();
  }

  private void publishOutbox() {
    SinkEvent[] events;
    lock.lock();
    try {
      if (outbox.isEmpty()) {
        return;
      }
      events = outbox.toArray(new SinkEvent[0]);
      outbox.clear();
    } finally {
      lock.unlock();
    }
    for (SinkEvent e : events) {
      log(e);
      Consumer<SinkEvent> listener = config.listener();
      if (listener != null) {
        try {
          listener.accept(e);
        } catch (RuntimeException x) {
          if (listenerFailed.compareAndSet(false, true)) {
            LOG.warn("sink queue '{}': event listener threw {}; later failures are not logged", name, x.getClass().getName());
          }
        }
      }
    }
  }

  private void log(SinkEvent e) {
    switch (e.kind()) {
      case DROPPED -> {
        DropReason reason = Objects.requireNonNull(e.reason());
        long total = dropsOf(reason);
        // The first drop, then at each power of two: visible, never a flood.
        if (Long.bitCount(total) == 1 || e.records() > 1) {
          LOG.warn("sink queue '{}' dropped {} record(s): {} ({}); {} dropped for this reason so far", name, e.records(),
              reason, e.detail(), total);
        } else {
          LOG.debug("sink queue '{}' dropped {} record(s): {} ({})", name, e.records(), reason, e.detail());
        }
      }
      case WRITE_FAILED -> {
        if (e.detail().endsWith("(first failure)")) {
          LOG.warn("sink queue '{}': writing {} record(s) failed: {}; retrying with backoff", name, e.records(), e.detail());
        } else {
          LOG.debug("sink queue '{}': writing {} record(s) failed: {}", name, e.records(), e.detail());
        }
      }
      case RECOVERED -> LOG.info("sink queue '{}': the sink accepts records again ({})", name, e.detail());
      case JOURNAL_REPLAYED -> LOG.info("sink queue '{}': replaying {} record(s) left in {}", name, e.records(), e.detail());
      case JOURNAL_CORRUPT -> LOG.warn("sink queue '{}': unreadable journal line {}", name, e.detail());
    }
  }

  private long dropsOf(DropReason reason) {
    lock.lock();
    try {
      return drops.getOrDefault(reason, 0L);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "RecordQueue[" + name + ", " + config + "]";
  }

  /**
   * A queued record, and where it ends in the journal if it was read back from there (else -1); a
   * null record marks a journal line that could not be read.
   */
  private record Entry<T>(@Nullable T record, long journalEnd) {}
}
