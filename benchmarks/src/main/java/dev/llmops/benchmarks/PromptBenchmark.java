package dev.llmops.benchmarks;

import dev.llmops.api.Message;
import dev.llmops.api.PromptRef;
import dev.llmops.core.prompt.InMemoryPromptSource;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.prompt.PromptSource;
import dev.llmops.core.prompt.PromptVersion;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
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
 * Resolving a prompt by label and rendering it, on a warm registry cache: a 1 KB template (two
 * messages) with 5 variables. The baseline builds the same two messages by string concatenation, the
 * least any renderer could do. {@link #resolveAndRenderNewTicket} is the full pipeline's case (the
 * same values on every call but a ticket number in the user message); {@link
 * #resolveAndRenderAllNew} changes every value on every call (no render repeats). Run with {@code
 * -prof gc} for B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class PromptBenchmark {
  private static final String FILLER =
      "Answer in the customer's language, keep a friendly and professional tone, never promise refunds "
          + "you cannot grant, cite the relevant help-centre article when there is one, and escalate to a human "
          + "agent when the customer is upset, mentions legal action, or asks for something outside policy. ";

  static final String SYSTEM = "You are the support assistant of {{company}}, helping with {{product}}. "
      + FILLER + FILLER + FILLER + "Sign off as the {{company}} team, in a {{tone}} tone.";
  static final String USER = "Customer {{customer}} asks: {{question}}";
  static final Map<String, Object> VARIABLES = Map.of(
      "company", "Acme Parcel Services",
      "product", "next-day delivery",
      "tone", "warm",
      "customer", "Ana",
      "question", "My parcel was due yesterday and the tracking page has not moved since Monday. Where is it?");

  private static final int DISTINCT = 1024;

  private PromptRegistry registry = PromptRegistry.builder().source(PromptSource.noop()).build();
  private PromptRef ref = new PromptRef("support", null, null, Map.of());
  private Map<String, Object> variables = Map.of();
  /** References to the ticket prompt, each with the same values and its own ticket number. */
  private final PromptRef[] tickets = new PromptRef[DISTINCT];
  /** References whose every value differs from the others'. */
  private final PromptRef[] allNew = new PromptRef[DISTINCT];
  private int cursor;

  /** A registry over one prompt, its cache warmed by one render. */
  @Setup
  public void setUp() {
    PromptVersion v1 = PromptVersion.builder("support", 1).system(SYSTEM).user(USER).model("smart").build();
    PromptVersion ticket =
        PromptVersion.builder("ticket", 1).system(SYSTEM).user(USER + " (ticket {{ticket}})").model("smart").build();
    registry = PromptRegistry.builder()
        .source(InMemoryPromptSource.builder()
            .add(v1).label("support", "production", 1)
            .add(ticket).label("ticket", "production", 1)
            .build())
        .timeToLive(Duration.ofHours(1))
        .executor(Runnable::run)
        .build();
    variables = VARIABLES;
    ref = new PromptRef("support", null, null, variables);
    int length = SYSTEM.length() + USER.length();
    if (length < 1000 || length > 1100) {
      throw new IllegalStateException("the template should be about 1 KB but is " + length + " characters");
    }
    registry.render(ref);
    for (int i = 0; i < DISTINCT; i++) {
      Map<String, Object> withTicket = new HashMap<>(VARIABLES);
      withTicket.put("ticket", 100_000L + i);
      tickets[i] = new PromptRef("ticket", null, null, withTicket);
      Map<String, Object> other = new HashMap<>();
      VARIABLES.forEach((k, v) -> other.put(k, v + " " + k.length() * 7919 % 1000));
      other.put("company", "Company " + i);
      other.put("question", "Question " + i + "?");
      allNew[i] = new PromptRef("support", null, null, other);
      registry.render(tickets[i]);
      registry.render(allNew[i]);
    }
  }

  /** Label resolution through the cache, then strict rendering of both messages. */
  @Benchmark
  public PromptVersion.Rendered resolveAndRender() {
    return registry.render(ref);
  }

  /** As the full pipeline renders: the same values on every call, but a new ticket number. */
  @Benchmark
  public PromptVersion.Rendered resolveAndRenderNewTicket() {
    return registry.render(tickets[cursor++ & (DISTINCT - 1)]);
  }

  /** Every value differs from the last call's: no message repeats. */
  @Benchmark
  public PromptVersion.Rendered resolveAndRenderAllNew() {
    return registry.render(allNew[cursor++ & (DISTINCT - 1)]);
  }

  /** The same two messages built by hand. */
  @Benchmark
  public List<Message> baselineConcatenation() {
    Map<String, Object> v = variables;
    String company = (String) v.get("company");
    String system = "You are the support assistant of " + company + ", helping with " + v.get("product") + ". "
        + FILLER + FILLER + FILLER + "Sign off as the " + company + " team, in a " + v.get("tone") + " tone.";
    String user = "Customer " + v.get("customer") + " asks: " + v.get("question");
    return List.of(Message.system(system), Message.user(user));
  }
}
