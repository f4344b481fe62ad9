package dev.llmops.benchmarks;

import dev.llmops.api.AttributeKey;
import dev.llmops.api.CallAttributes;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import dev.llmops.testkit.FakeChatModel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A call's attribute traffic as a call with every capability on makes it: 12 puts (a third of them
 * internal keys) and 25 gets (some of keys never put), in one application step, against the same
 * client with a step that leaves the attributes alone. The difference is what the attributes cost.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class CallAttributesBenchmark {
  private static final int PUTS = 12;
  private static final int ABSENT = 4;
  private static final AttributeKey<?>[] KEYS = new AttributeKey<?>[PUTS + ABSENT];
  private static final Object[] VALUES = new Object[PUTS];

  static {
    for (int i = 0; i < KEYS.length; i++) {
      KEYS[i] = i % 3 == 2
          ? AttributeKey.internal("bench.internal." + i, String.class)
          : AttributeKey.of("bench.result." + i, String.class);
    }
    for (int i = 0; i < PUTS; i++) {
      VALUES[i] = "value-" + i;
    }
  }

  private LlmClient untouched = LlmClient.builder().model("fake", FakeChatModel.create()).build();
  private LlmClient attributes = untouched;
  private ChatRequest request = ChatRequest.of("What is the capital of France?");

  /** Two clients over one fake, with an application step that does or does not use attributes. */
  @Setup(Level.Trial)
  public void setUp() {
    FakeChatModel model = FakeChatModel.builder().recordRequests(false).build();
    model.when(r -> true).reply("Paris is the capital of France.");
    untouched = LlmClient.builder()
        .model("fake", model)
        .step(PipelineStep.APPLICATION, chain -> chain.proceed(chain.request()))
        .build();
    attributes = LlmClient.builder()
        .model("fake", model)
        .step(PipelineStep.APPLICATION, chain -> {
          traffic(chain.call().attributes());
          return chain.proceed(chain.request());
        })
        .build();
  }

  @SuppressWarnings("unchecked")
  private static void traffic(CallAttributes a) {
    int found = 0;
    for (int i = 0; i < PUTS; i++) {
      // Steps read before they write: a get of a key not yet put, then the put.
      found += a.getOrNull(KEYS[i]) == null ? 0 : 1;
      a.put((AttributeKey<Object>) KEYS[i], VALUES[i]);
    }
    for (int i = 0; i < 13; i++) {
      found += a.getOrNull(KEYS[(i * 5) % KEYS.length]) == null ? 0 : 1;
    }
    if (found < 0) {
      throw new AssertionError();
    }
  }

  /** Closes the clients. */
  @TearDown(Level.Trial)
  public void tearDown() {
    untouched.close();
    attributes.close();
  }

  /** The call with an application step that does nothing. */
  @Benchmark
  public Completion emptyStep() {
    return untouched.chat(request);
  }

  /** The call with an application step that makes 12 puts and 25 gets, and its snapshot. */
  @Benchmark
  public Completion puts12Gets25() {
    return attributes.chat(request);
  }
}
