package dev.llmops.benchmarks;

import dev.llmops.api.Completion;
import java.util.EnumSet;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where (b)'s time and bytes go: {@link FullPipelineBenchmark}'s (b) with one capability left out
 * ({@code without=nothing} is (b) itself). The difference to {@code nothing} is what that
 * capability costs inside the full pipeline; allocation differences are exact. The prompt is not
 * among the parts (every call here is a prompt call): {@link PromptBenchmark} measures it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class FullPipelineAblationBenchmark {
  /** The capability left out, or {@code nothing}. */
  @Param({"nothing", "experiment", "budget", "cache", "resilience", "telemetry", "log"})
  public String without = "nothing";

  private @Nullable AllCapabilities llmops;
  private int cursor;
  private long ticket;

  /** Builds the client without the chosen capability. */
  @Setup(Level.Trial)
  public void setUp() {
    EnumSet<AllCapabilities.Part> parts = EnumSet.noneOf(AllCapabilities.Part.class);
    if (!without.equals("nothing")) {
      parts.add(AllCapabilities.Part.valueOf(without.toUpperCase(Locale.ROOT)));
    }
    llmops = new AllCapabilities(AllCapabilities.fake(), parts);
  }

  /** Closes the client. */
  @TearDown(Level.Trial)
  public void tearDown() {
    AllCapabilities l = llmops;
    if (l != null) {
      l.close();
    }
  }

  /** One call of (b), less the chosen capability. */
  @Benchmark
  public Completion call() {
    AllCapabilities l = llmops;
    if (l == null) {
      throw new IllegalStateException("not set up");
    }
    return l.call(cursor++, ticket++);
  }
}
