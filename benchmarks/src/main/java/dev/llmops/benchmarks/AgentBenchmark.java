package dev.llmops.benchmarks;

import dev.llmops.agent.Agent;
import dev.llmops.agent.RunResult;
import dev.llmops.agent.RunState;
import dev.llmops.agent.RunStore;
import dev.llmops.agent.Tool;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.Role;
import dev.llmops.api.ToolCall;
import dev.llmops.core.LlmClient;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.FakeReply;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The agent loop's own cost per step, with a fake model, a trivial tool and an in-memory store:
 * {@code plainCall} is one model call through the client; {@code tenToolSteps} is a run of 12
 * steps (a model call asking for ten tools, ten instant tool executions, a model call answering)
 * with checkpoints in an in-memory store, so the loop's overhead per tool step is {@code
 * (tenToolSteps - 2 * plainCall) / 10}; {@code perToolStep} reports it directly, amortised over a
 * run of 50 tool steps (its two model calls add about 2 * plainCall / 50). A tool step includes
 * parsing the arguments, the schema check, binding them to the tool's record, writing its result,
 * redacting both for the store, the step record and the checkpoints (one per result, and one per
 * batch of up to {@code parallel} calls started together).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class AgentBenchmark {
  record Query(String id) {}

  private LlmClient client = LlmClient.builder().model("fake", FakeChatModel.create()).build();
  private Agent agent = Agent.builder(client).build();
  private final ChatRequest request = ChatRequest.of("Where is order 42?");
  private long runs;

  /** How many of one answer's tool calls start together (1: each has its own "started" checkpoint). */
  @Param({"1", "8"})
  public int parallel;

  /**
   * An in-memory store that drops a run once it ends (without the version check), so a long
   * benchmark keeps its memory flat; one map write per checkpoint, as {@link RunStore#inMemory()}.
   */
  static final class ForgettingStore implements RunStore {
    private final ConcurrentHashMap<String, RunState> runs = new ConcurrentHashMap<>();

    @Override
    public Optional<RunState> load(String runId) {
      return Optional.ofNullable(runs.get(runId));
    }

    @Override
    public void save(RunState state) {
      if (state.status().terminal()) {
        runs.remove(state.runId());
      } else {
        runs.put(state.runId(), state);
      }
    }
  }

  /** A model that asks for ten (or fifty) lookups, then answers once it has the results. */
  @Setup(Level.Trial)
  public void setUp() {
    FakeChatModel model = FakeChatModel.builder().recordRequests(false).build();
    model.when(r -> r.messages().get(r.messages().size() - 1).role() == Role.TOOL).reply(FakeReply.text("done"));
    model.when(r -> r.messages().get(r.messages().size() - 1).content().startsWith("Look up fifty"))
        .reply(FakeReply.text("").withToolCalls(lookups(50)));
    model.when(r -> true).reply(FakeReply.text("").withToolCalls(lookups(10)));
    client = LlmClient.builder().model("fake", model).build();
    Tool lookup = Tool.of("lookup", "Looks an id up", Query.class, q -> "found " + q.id());
    agent = Agent.builder(client).tools(lookup).store(new ForgettingStore()).maxParallelToolCalls(parallel).build();
  }

  private static List<ToolCall> lookups(int n) {
    List<ToolCall> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(new ToolCall("call_" + i, "lookup", "{\"id\":\"" + i + "\"}"));
    }
    return calls;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
  }

  /** One model call that asks for the ten tools (the baseline of a model step). */
  @Benchmark
  public Completion plainCall() {
    return client.chat(request);
  }

  /** A run of 12 steps: two model calls and ten tool executions, each checkpointed. */
  @Benchmark
  public RunResult tenToolSteps() {
    return agent.run("run-" + runs++, "Look up ten orders.");
  }

  /** A run of 52 steps (two model calls, fifty tool executions), reported per tool step. */
  @Benchmark
  @OperationsPerInvocation(50)
  public RunResult perToolStep() {
    return agent.run("run-" + runs++, "Look up fifty orders.");
  }
}
