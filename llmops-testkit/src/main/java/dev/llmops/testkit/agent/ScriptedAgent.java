package dev.llmops.testkit.agent;

import dev.llmops.api.ToolCall;
import dev.llmops.api.Usage;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.FakeReply;
import dev.llmops.testkit.Fault;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Scripts what the model says at each step of an agent run: which tools it calls (with which
 * arguments) and its final answer, so a test drives a run of many steps deterministically. Each
 * model call of the run takes the next scripted turn; tool call ids are {@code call_1}, {@code
 * call_2}, ... in script order.
 *
 * <pre>{@code
 * FakeChatModel model = ScriptedAgent.create()
 *     .callTool("lookup_order", "{\"orderId\":\"42\"}")
 *     .callTools(ScriptedAgent.call("check_policy", "{}"), ScriptedAgent.call("draft_reply", "{}"))
 *     .answer("Your refund is on its way.")
 *     .model();
 * }</pre>
 *
 * <p>Not thread-safe while scripting; the model it builds is a thread-safe {@link FakeChatModel}.
 */
public final class ScriptedAgent {
  private final List<FakeReply> turns = new ArrayList<>();
  private int nextId = 1;

  private ScriptedAgent() {}

  /** An empty script. */
  public static ScriptedAgent create() {
    return new ScriptedAgent();
  }

  /** A tool call for {@link #callTools}: the tool's name and its arguments as JSON. */
  public static ToolCall call(String tool, String argumentsJson) {
    return new ToolCall("", tool, argumentsJson);
  }

  /** The next turn calls one tool. */
  public ScriptedAgent callTool(String tool, String argumentsJson) {
    return callTools(call(tool, argumentsJson));
  }

  /** The next turn calls these tools in parallel; calls without an id get the next {@code call_<n>}. */
  public ScriptedAgent callTools(ToolCall... calls) {
    List<ToolCall> numbered = new ArrayList<>();
    for (ToolCall c : calls) {
      Objects.requireNonNull(c, "call");
      numbered.add(c.id().isEmpty() ? new ToolCall("call_" + nextId++, c.name(), c.argumentsJson()) : c);
    }
    turns.add(FakeReply.text("").withToolCalls(numbered));
    return this;
  }

  /** The next turn answers {@code text} without calling a tool: the run completes. */
  public ScriptedAgent answer(String text) {
    turns.add(FakeReply.text(text));
    return this;
  }

  /** The next model call fails with {@code fault}. */
  public ScriptedAgent fail(Fault fault) {
    turns.add(FakeReply.fault(fault));
    return this;
  }

  /**
   * The last scripted turn reports {@code usage} instead of usage counted from its text.
   *
   * @throws IllegalStateException if nothing is scripted yet
   */
  public ScriptedAgent usage(Usage usage) {
    Objects.requireNonNull(usage, "usage");
    if (turns.isEmpty()) {
      throw new IllegalStateException("script a turn before its usage");
    }
    turns.set(turns.size() - 1, turns.get(turns.size() - 1).withUsage(usage));
    return this;
  }

  /** The turns scripted so far, in order. */
  public List<FakeReply> turns() {
    return List.copyOf(turns);
  }

  /** A new fake model that answers the turns in order. */
  public FakeChatModel model() {
    return into(FakeChatModel.create());
  }

  /** Queues the turns on {@code model} (one built with a priced provider and model id, say) and returns it. */
  public FakeChatModel into(FakeChatModel model) {
    return model.enqueue(turns.toArray(new FakeReply[0]));
  }
}
