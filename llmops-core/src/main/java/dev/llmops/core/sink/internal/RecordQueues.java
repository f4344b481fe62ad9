package dev.llmops.core.sink.internal;

import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.sink.BatchSink;
import dev.llmops.core.sink.SinkQueue;
import dev.llmops.core.sink.SinkStats;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The queues of an owner with several sinks (the audit log, the transcript store): one queue per
 * sink, named {@code <prefix>.0}, {@code <prefix>.1}, ... in the order the sinks were added, each
 * with its own journal file ({@link RecordQueue#numbered}), so one sink's trouble never delays
 * another's. Immutable list, thread-safe queues.
 *
 * @param <T> the record type
 */
public final class RecordQueues<T> implements AutoCloseable {
  private final List<RecordQueue<T>> queues;

  private RecordQueues(List<RecordQueue<T>> queues) {
    this.queues = List.copyOf(queues);
  }

  /** A sink and whether it takes one record at a time. */
  public record Target<T>(BatchSink<T> sink, boolean perRecord) {}

  /**
   * Opens one queue per target; when one cannot be opened, closes those already opened.
   *
   * @throws IllegalStateException if a journal file is held by another queue
   * @throws java.io.UncheckedIOException if a journal file cannot be opened or read
   */
  public static <T> RecordQueues<T> open(String prefix, SinkQueue config, List<Target<T>> targets, JournalCodec<T> codec,
      Clock clock, @Nullable TaskScheduler scheduler) {
    List<RecordQueue<T>> opened = new ArrayList<>(targets.size());
    try {
      for (Target<T> t : targets) {
        int i = opened.size();
        opened.add(RecordQueue.open(prefix + "." + i, RecordQueue.numbered(config, i), t.sink(), t.perRecord(), codec, clock,
            scheduler));
      }
    } catch (RuntimeException e) {
      opened.forEach(RecordQueue::close);
      throw e;
    }
    return new RecordQueues<>(opened);
  }

  /** Offers {@code record} to every queue; never throws because of a sink. */
  public void offer(T record) {
    for (RecordQueue<T> q : queues) {
      q.offer(record);
    }
  }

  /** One snapshot per queue, in order. */
  public List<SinkStats> stats() {
    List<SinkStats> out = new ArrayList<>(queues.size());
    for (RecordQueue<T> q : queues) {
      out.add(q.stats());
    }
    return out;
  }

  /** Closes every queue, each flushing up to its close timeout. */
  @Override
  public void close() {
    for (RecordQueue<T> q : queues) {
      q.close();
    }
  }
}
