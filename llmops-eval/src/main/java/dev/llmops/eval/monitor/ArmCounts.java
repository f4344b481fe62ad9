package dev.llmops.eval.monitor;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The counts a {@link GuardedRollout} keeps per arm and step, as named counters that merge across
 * replicas by addition (a {@link RolloutStore} sums them):
 *
 * <ul>
 *   <li>{@code m.<METRIC>.n|s|q}: count, sum and sum of squares of error indicators, latencies,
 *       costs and scores (the mSPRT needs means and variances, and these add);
 *   <li>{@code lat.<i>}: latencies in log-spaced bins {@code (γ^(i−1), γ^i]} ms with {@code γ =
 *       1.02}, the logarithmic mapping of DDSketch (Masson, Rim and Lee, VLDB 2019): any quantile
 *       read from them is within 1 % of a latency that was recorded;
 *   <li>{@code d.<SIGNAL>.<bin>}: the {@link Signal}'s own bins, for drift guards.
 * </ul>
 */
final class ArmCounts {
  static final double GAMMA = 1.02;
  private static final double LOG_GAMMA = Math.log(GAMMA);
  /** Bins below 0.01 ms and above about an hour are clamped into the end bins. */
  static final int MIN_INDEX = -233;
  static final int MAX_INDEX = 770;
  /** The metrics kept as moments: the first four. */
  private static final Guard.Metric[] MOMENTS = {
    Guard.Metric.ERROR_RATE, Guard.Metric.LATENCY_MS, Guard.Metric.COST_MICRO_USD, Guard.Metric.SCORE
  };

  private ArmCounts() {}

  /** The slot of a metric kept as moments. */
  private static int slot(Guard.Metric metric) {
    return switch (metric) {
      case ERROR_RATE -> 0;
      case LATENCY_MS -> 1;
      case COST_MICRO_USD -> 2;
      case SCORE -> 3;
      default -> throw new IllegalArgumentException(metric + " is not kept as moments");
    };
  }

  /** The bin of a latency in milliseconds. */
  static int latencyIndex(double ms) {
    if (!(ms > 0.01)) {
      return MIN_INDEX;
    }
    return (int) Math.max(MIN_INDEX, Math.min(MAX_INDEX, Math.ceil(Math.log(ms) / LOG_GAMMA)));
  }

  /** The value a bin stands for: {@code 2γ^i/(γ+1)}, within {@code (γ−1)/(γ+1)} of every value in it. */
  static double latencyValue(int index) {
    return 2 * Math.pow(GAMMA, index) / (GAMMA + 1);
  }

  /** What one replica recorded since it last handed its counts to the store. Thread-safe. */
  static final class Local {
    private final double[] n = new double[MOMENTS.length];
    private final double[] sum = new double[MOMENTS.length];
    private final double[] squares = new double[MOMENTS.length];
    private final long[] latency;
    private final EnumMap<Signal, long[]> drift = new EnumMap<>(Signal.class);

    Local(boolean latencyBins, Set<Signal> driftSignals) {
      this.latency = new long[latencyBins ? MAX_INDEX - MIN_INDEX + 1 : 0];
      for (Signal s : driftSignals) {
        drift.put(s, new long[s.bins()]);
      }
    }

    synchronized void moment(Guard.Metric metric, double x) {
      int m = slot(metric);
      n[m]++;
      sum[m] += x;
      squares[m] += x * x;
    }

    synchronized void latency(double ms) {
      if (latency.length > 0) {
        latency[latencyIndex(ms) - MIN_INDEX]++;
      }
    }

    synchronized void signal(Signal signal, double value) {
      long[] bins = drift.get(signal);
      if (bins != null) {
        bins[signal.bin(value)]++;
      }
    }

    /** Moves everything recorded into {@code into} (adding to what it holds) and starts afresh. */
    synchronized void drainTo(Map<String, Double> into) {
      for (int m = 0; m < MOMENTS.length; m++) {
        if (n[m] > 0) {
          String p = "m." + MOMENTS[m].name();
          into.merge(p + ".n", n[m], Double::sum);
          into.merge(p + ".s", sum[m], Double::sum);
          into.merge(p + ".q", squares[m], Double::sum);
          n[m] = 0;
          sum[m] = 0;
          squares[m] = 0;
        }
      }
      for (int i = 0; i < latency.length; i++) {
        if (latency[i] > 0) {
          into.merge("lat." + (i + MIN_INDEX), (double) latency[i], Double::sum);
          latency[i] = 0;
        }
      }
      drift.forEach((signal, bins) -> {
        for (int b = 0; b < bins.length; b++) {
          if (bins[b] > 0) {
            into.merge("d." + signal.name() + "." + b, (double) bins[b], Double::sum);
            bins[b] = 0;
          }
        }
      });
    }
  }

  /** One arm's counters summed over every replica, read from the store. Immutable. */
  static final class Merged {
    private final double[] n = new double[MOMENTS.length];
    private final double[] sum = new double[MOMENTS.length];
    private final double[] squares = new double[MOMENTS.length];
    private final long[] latency = new long[MAX_INDEX - MIN_INDEX + 1];
    private long latencyCount;
    private final EnumMap<Signal, long[]> drift = new EnumMap<>(Signal.class);

    Merged(Map<String, Double> counters) {
      for (Signal s : EnumSet.allOf(Signal.class)) {
        drift.put(s, new long[s.bins()]);
      }
      counters.forEach(this::take);
    }

    private void take(String name, double value) {
      try {
        if (name.startsWith("m.")) {
          int dot = name.lastIndexOf('.');
          int m = slot(Guard.Metric.valueOf(name.substring(2, dot)));
          switch (name.substring(dot + 1)) {
            case "n" -> n[m] = value;
            case "s" -> sum[m] = value;
            case "q" -> squares[m] = value;
            default -> { }
          }
        } else if (name.startsWith("lat.")) {
          long c = Math.round(value);
          latency[Integer.parseInt(name.substring(4)) - MIN_INDEX] += c;
          latencyCount += c;
        } else if (name.startsWith("d.")) {
          int dot = name.lastIndexOf('.');
          Objects.requireNonNull(drift.get(Signal.valueOf(name.substring(2, dot))))[Integer.parseInt(name.substring(dot + 1))] += Math.round(value);
        }
      } catch (RuntimeException e) {
        // a counter of another version of this class: not ours to read
      }
    }

    long n(Guard.Metric metric) {
      return Math.round(n[slot(metric)]);
    }

    double mean(Guard.Metric metric) {
      int m = slot(metric);
      return n[m] > 0 ? sum[m] / n[m] : 0;
    }

    /** The sample variance, from the sums (clamped at 0 against rounding). */
    double variance(Guard.Metric metric) {
      int m = slot(metric);
      if (n[m] < 2) {
        return 0;
      }
      double mean = sum[m] / n[m];
      return Math.max(0, (squares[m] - n[m] * mean * mean) / (n[m] - 1));
    }

    long latencyCount() {
      return latencyCount;
    }

    /** The bin holding the {@code q}-quantile (the ⌈q·n⌉-th smallest latency). */
    int latencyQuantileIndex(double q) {
      long rank = Math.max(1, (long) Math.ceil(q * latencyCount));
      long seen = 0;
      for (int i = 0; i < latency.length; i++) {
        seen += latency[i];
        if (seen >= rank) {
          return i + MIN_INDEX;
        }
      }
      return MAX_INDEX;
    }

    /** Latencies in bins above {@code index}. */
    long latencyAbove(int index) {
      long above = 0;
      for (int i = index + 1 - MIN_INDEX; i < latency.length; i++) {
        above += latency[i];
      }
      return above;
    }

    /** The counts of {@code signal}'s bins (a copy). */
    long[] bins(Signal signal) {
      return Objects.requireNonNull(drift.get(signal)).clone();
    }
  }

  /** An empty map for the store's counters. */
  static Map<String, Double> counters() {
    return new HashMap<>();
  }
}
