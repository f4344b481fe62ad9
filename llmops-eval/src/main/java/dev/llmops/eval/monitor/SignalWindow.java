package dev.llmops.eval.monitor;

import dev.llmops.eval.stats.Drift;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.zip.DataFormatException;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.PackedHistogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * One {@link Signal}'s windows in one slice of a {@link DriftMonitor}: the current window, being
 * recorded, and the reference it is compared with. Recording is lock-free and allocates nothing;
 * everything else is synchronized and runs on the checking thread.
 */
abstract class SignalWindow {

  /** A comparison of a full current window with the reference. */
  record Comparison(double psi, double pValue, long referenceCount, long currentCount) {}

  /** A new window for {@code signal}: a histogram for a {@linkplain Signal#sketched() numeric} one, counters otherwise. */
  static SignalWindow of(Signal signal) {
    return signal.sketched() ? new Sketched(signal) : new Binned(signal);
  }

  /** Records one value (lock-free). */
  abstract void record(double value);

  /** The values recorded in the current window. */
  abstract long currentCount();

  /**
   * Ends the current window: compares it with the reference, or makes it the reference when there
   * is none (then returns null), and starts an empty one.
   */
  abstract @Nullable Comparison roll();

  /** Makes the current window the reference if it holds a value; starts an empty one. */
  abstract void rebaseline();

  /** Empties the current window. */
  abstract void clearCurrent();

  /** Takes the current window out, encoded, leaving an empty one; null when it is empty. */
  abstract byte @Nullable [] take();

  /**
   * Adds a window taken elsewhere ({@link #take}) to the current one.
   *
   * @throws IllegalArgumentException if {@code encoded} is not a window of this signal
   */
  abstract void merge(byte[] encoded);

  /** Counters per category (outcomes, error types, score bins). */
  static final class Binned extends SignalWindow {
    private final Signal signal;
    private final AtomicLongArray current;
    private long @Nullable [] reference;

    Binned(Signal signal) {
      this.signal = signal;
      this.current = new AtomicLongArray(signal.bins());
    }

    @Override
    void record(double value) {
      current.incrementAndGet(signal.bin(value));
    }

    @Override
    long currentCount() {
      long n = 0;
      for (int i = 0; i < current.length(); i++) {
        n += current.get(i);
      }
      return n;
    }

    /** Takes the counts out bin by bin: a value recorded meanwhile lands in this window or the next, never in neither. */
    private long[] drain() {
      long[] out = new long[current.length()];
      for (int i = 0; i < out.length; i++) {
        out[i] = current.getAndSet(i, 0);
      }
      return out;
    }

    @Override
    synchronized @Nullable Comparison roll() {
      long[] c = drain();
      long[] ref = reference;
      if (ref == null) {
        reference = c;
        return null;
      }
      return new Comparison(Drift.psi(ref, c), Drift.chiSquareP(ref, c), total(ref), total(c));
    }

    @Override
    synchronized void rebaseline() {
      long[] c = drain();
      if (total(c) > 0) {
        reference = c;
      }
    }

    @Override
    void clearCurrent() {
      drain();
    }

    @Override
    byte @Nullable [] take() {
      long[] c = drain();
      if (total(c) == 0) {
        return null;
      }
      ByteBuffer b = ByteBuffer.allocate(Long.BYTES * c.length);
      for (long v : c) {
        b.putLong(v);
      }
      return b.array();
    }

    @Override
    void merge(byte[] encoded) {
      if (encoded.length != Long.BYTES * current.length()) {
        throw new IllegalArgumentException(signal + ": a window of " + current.length() + " counters has "
            + Long.BYTES * current.length() + " bytes, not " + encoded.length);
      }
      ByteBuffer b = ByteBuffer.wrap(encoded);
      long[] add = new long[current.length()];
      for (int i = 0; i < add.length; i++) {
        add[i] = b.getLong();
        if (add[i] < 0) {
          throw new IllegalArgumentException(signal + ": bin " + i + " has a negative count " + add[i]);
        }
      }
      for (int i = 0; i < add.length; i++) {
        current.addAndGet(i, add[i]);
      }
    }

    private static long total(long[] counts) {
      return Arrays.stream(counts).sum();
    }
  }

  /**
   * An HdrHistogram per window, one significant digit (bucket width at most 1/16 of the value, 17
   * to 24 buckets of 16 counters over a signal's range). A {@link Recorder} takes the values
   * (wait-free, no allocation: two fixed-range atomic histograms it swaps); at each check the
   * interval is added to the current window, kept with the reference as packed histograms, whose
   * memory follows the buckets in use.
   */
  static final class Sketched extends SignalWindow {
    /** Significant digits: 1 keeps a slice's four numeric signals near 33 KB (the coarsest HdrHistogram allows). */
    static final int DIGITS = 1;
    /** The number of bins the PSI uses: the reference's deciles. */
    static final int PSI_BINS = 10;

    private final Signal signal;
    private final long highest;
    private final Recorder recorder;
    private final AtomicLong clamped = new AtomicLong();
    private @Nullable Histogram interval;
    private PackedHistogram current;
    private @Nullable PackedHistogram reference;

    Sketched(Signal signal) {
      this.signal = signal;
      this.highest = signal.highestTrackable();
      this.recorder = new Recorder(1, highest, DIGITS);
      this.current = empty();
    }

    private PackedHistogram empty() {
      return new PackedHistogram(1, highest, DIGITS);
    }

    @Override
    void record(double value) {
      long v = value >= highest ? highest : value > 0 ? Math.round(value) : 0; // NaN and negatives count as 0
      if (value > highest) {
        clamped.incrementAndGet();
      }
      recorder.recordValue(v);
    }

    /** Values above {@link Signal#highestTrackable()}, recorded as it. */
    long clamped() {
      return clamped.get();
    }

    /** Moves what the recorder took since the last look into the current window. */
    private void absorb() {
      Histogram i = recorder.getIntervalHistogram(interval);
      current.add(i);
      interval = i;
    }

    @Override
    synchronized long currentCount() {
      absorb();
      return current.getTotalCount();
    }

    @Override
    synchronized @Nullable Comparison roll() {
      absorb();
      PackedHistogram c = current;
      current = empty();
      PackedHistogram ref = reference;
      if (ref == null) {
        reference = c;
        return null;
      }
      long[][] bins = decileBins(ref, c);
      double d = ksStatistic(ref, c);
      return new Comparison(Drift.psi(bins[0], bins[1]), Drift.kolmogorovSmirnovP(d, ref.getTotalCount(),
          c.getTotalCount()), ref.getTotalCount(), c.getTotalCount());
    }

    @Override
    synchronized void rebaseline() {
      absorb();
      if (current.getTotalCount() > 0) {
        reference = current;
        current = empty();
      }
    }

    @Override
    synchronized void clearCurrent() {
      absorb();
      current.reset();
    }

    @Override
    synchronized byte @Nullable [] take() {
      absorb();
      if (current.getTotalCount() == 0) {
        return null;
      }
      ByteBuffer b = ByteBuffer.allocate(current.getNeededByteBufferCapacity());
      int length = current.encodeIntoCompressedByteBuffer(b);
      current.reset();
      return Arrays.copyOf(b.array(), length);
    }

    @Override
    synchronized void merge(byte[] encoded) {
      PackedHistogram h;
      try {
        h = PackedHistogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(encoded), 0);
      } catch (DataFormatException | RuntimeException e) {
        throw new IllegalArgumentException(signal + ": not an HdrHistogram compressed histogram (" + e + ")", e);
      }
      if (h.getMaxValue() > highest) {
        throw new IllegalArgumentException(signal + ": the window holds " + h.getMaxValue()
            + ", above the highest trackable value " + highest);
      }
      current.add(h);
    }

    /**
     * The counts of both windows in the bins cut at the reference's deciles (the usual PSI bins):
     * edges are the highest values of the buckets holding the 10th, ..., 90th percentiles, equal
     * edges (ties, discrete data) merged.
     */
    static long[][] decileBins(AbstractHistogram reference, AbstractHistogram current) {
      long[] edges = new long[PSI_BINS - 1];
      int n = 0;
      for (int k = 1; k < PSI_BINS; k++) {
        long edge = reference.highestEquivalentValue(reference.getValueAtPercentile(100.0 * k / PSI_BINS));
        if (n == 0 || edge > edges[n - 1]) {
          edges[n++] = edge;
        }
      }
      long[] r = new long[n + 1];
      long[] c = new long[n + 1];
      long rBelow = 0;
      long cBelow = 0;
      for (int i = 0; i < n; i++) {
        long rUpTo = reference.getCountBetweenValues(0, edges[i]);
        long cUpTo = current.getCountBetweenValues(0, edges[i]);
        r[i] = rUpTo - rBelow;
        c[i] = cUpTo - cBelow;
        rBelow = rUpTo;
        cBelow = cUpTo;
      }
      r[n] = reference.getTotalCount() - rBelow;
      c[n] = current.getTotalCount() - cBelow;
      return new long[][] {r, c};
    }

    /**
     * The Kolmogorov–Smirnov distance of the two windows' distributions, read at the edge of every
     * bucket either window uses (both have the same bucket layout). Values inside a bucket are not
     * told apart, so this is at most the raw samples' D.
     */
    static double ksStatistic(AbstractHistogram a, AbstractHistogram b) {
      Cursor ca = new Cursor(a);
      Cursor cb = new Cursor(b);
      double na = a.getTotalCount();
      double nb = b.getTotalCount();
      double d = 0;
      while (ca.edge != Long.MAX_VALUE || cb.edge != Long.MAX_VALUE) {
        long edge = Math.min(ca.edge, cb.edge);
        ca.passTo(edge);
        cb.passTo(edge);
        d = Math.max(d, Math.abs(ca.below / na - cb.below / nb));
      }
      return d;
    }

    /** Walks a histogram's recorded buckets in order, counting the values at or below the last edge passed. */
    private static final class Cursor {
      private final Iterator<HistogramIterationValue> buckets;
      /** The next bucket's highest value, or {@code Long.MAX_VALUE} after the last. */
      long edge = Long.MAX_VALUE;
      private long count;
      /** Values in the buckets passed. */
      long below;

      Cursor(AbstractHistogram h) {
        this.buckets = h.recordedValues().iterator();
        next();
      }

      /** Passes the next bucket if it ends at {@code at}. */
      void passTo(long at) {
        if (edge == at) {
          below += count;
          next();
        }
      }

      private void next() {
        edge = Long.MAX_VALUE;
        if (buckets.hasNext()) {
          HistogramIterationValue v = buckets.next(); // one object reused by the iterator: copy its fields
          edge = v.getValueIteratedTo();
          count = v.getCountAtValueIteratedTo();
        }
      }
    }
  }
}
