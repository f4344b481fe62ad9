package dev.llmops.benchmarks;

import dev.llmops.api.PromptRef;
import dev.llmops.core.prompt.InMemoryPromptSource;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.prompt.PromptSource;
import dev.llmops.core.prompt.PromptVersion;
import dev.llmops.core.prompt.RenderedPrompt;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rendering the support prompt of {@link PromptBenchmark} as a prompt call does: the six shared
 * variables ({@link PromptBenchmark#VARIABLES}, one immutable map) with a fresh ticket number added
 * by {@link PromptRef#withVariable} ({@link #sharedBaseNewTicket}), and the same with a base that
 * is a new (equal) map on every call, so that nothing can be remembered by identity ({@link
 * #newBaseNewTicket}). Run with {@code -prof gc} for B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class LayeredVariablesBenchmark {
  private PromptRegistry registry = PromptRegistry.builder().source(PromptSource.noop()).build();
  private PromptRef shared = new PromptRef("support", null, null, Map.of());
  private long ticket;

  /** A registry over the ticket prompt, its cache warmed by one render. */
  @Setup
  public void setUp() {
    PromptVersion v1 = PromptVersion.builder("support", 1)
        .system(PromptBenchmark.SYSTEM).user(PromptBenchmark.USER + " (ticket {{ticket}})").build();
    registry = PromptRegistry.builder()
        .source(InMemoryPromptSource.builder().add(v1).label("support", "production", 1).build())
        .timeToLive(Duration.ofHours(1))
        .executor(Runnable::run)
        .build();
    shared = new PromptRef("support", null, null, PromptBenchmark.VARIABLES);
    registry.render(shared.withVariable("ticket", 0L));
  }

  /** The shared base map with a new ticket number: the full pipeline's case. */
  @Benchmark
  public RenderedPrompt sharedBaseNewTicket() {
    return registry.render(shared.withVariable("ticket", ticket++));
  }

  /** An equal but new base map on every call, with a new ticket number. */
  @Benchmark
  public RenderedPrompt newBaseNewTicket() {
    Map<String, Object> base = Map.copyOf(new HashMap<>(PromptBenchmark.VARIABLES));
    return registry.render(new PromptRef("support", null, null, base).withVariable("ticket", ticket++));
  }
}
