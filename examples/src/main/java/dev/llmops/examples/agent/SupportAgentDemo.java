package dev.llmops.examples.agent;

import dev.llmops.agent.Agent;
import dev.llmops.agent.RunLimits;
import dev.llmops.agent.RunResult;
import dev.llmops.agent.RunStore;
import dev.llmops.agent.StepRecord;
import dev.llmops.agent.Tool;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import dev.llmops.core.LlmClient;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.agent.CrashingRunStore;
import dev.llmops.testkit.agent.ScriptedAgent;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A support agent that looks up an order, checks the refund policy and drafts a reply with three
 * tools, run offline on a scripted model priced as gpt-4o. The first replica crashes right after
 * step 2 (the order lookup) is checkpointed; a second replica resumes the run from the store
 * without looking the order up again. Prints the steps, the spend and the limits.
 */
public final class SupportAgentDemo {
  /** The arguments of the order and policy tools. */
  record OrderQuery(String orderId) {}

  /** The arguments of the drafting tool. */
  record Draft(String orderId, boolean refundable) {}

  /** What the demo did: the run's result and how often each tool ran. */
  record Summary(RunResult result, Map<String, Integer> executions, boolean crashed) {}

  private SupportAgentDemo() {}

  /** Runs the demo and prints to standard output. */
  public static void main(String[] args) {
    run(new PrintStream(System.out, true, StandardCharsets.UTF_8));
  }

  static Summary run(PrintStream out) {
    AtomicInteger lookups = new AtomicInteger();
    AtomicInteger policies = new AtomicInteger();
    AtomicInteger drafts = new AtomicInteger();
    Tool lookup = Tool.of("lookup_order", "Finds an order by id", OrderQuery.class, q -> {
      lookups.incrementAndGet();
      return Map.of("orderId", q.orderId(), "status", "delivered", "deliveredDaysAgo", 12, "total", "89.00");
    });
    Tool policy = Tool.of("check_refund_policy", "Says whether an order may be refunded", OrderQuery.class, q -> {
      policies.incrementAndGet();
      return Map.of("refundable", true, "rule", "within 30 days of delivery");
    });
    Tool draft = Tool.builder("draft_reply").description("Drafts the reply to the customer")
        .parameters(Draft.class)
        .function(inv -> {
          drafts.incrementAndGet();
          return "Draft: your order " + inv.arguments(Draft.class).orderId() + " can be refunded.";
        })
        .build();

    // What the model does, step by step (each model call is an ordinary, priced llmops call).
    FakeChatModel model = ScriptedAgent.create()
        .callTool("lookup_order", "{\"orderId\":\"A-1042\"}").usage(Usage.of(820, 40))
        .callTool("check_refund_policy", "{\"orderId\":\"A-1042\"}").usage(Usage.of(910, 35))
        .callTool("draft_reply", "{\"orderId\":\"A-1042\",\"refundable\":true}").usage(Usage.of(1010, 45))
        .answer("Good news: order A-1042 is within our 30-day window, so we have started your refund.")
        .usage(Usage.of(1100, 60))
        .into(FakeChatModel.builder().provider("openai").modelId("gpt-4o").build());
    RunLimits limits = RunLimits.builder().maxSteps(12).maxToolCalls(6).maxToolCalls("draft_reply", 1)
        .maxCost(Money.usd("0.05")).maxDuration(Duration.ofMinutes(2)).build();
    RunStore store = RunStore.inMemory();

    try (LlmClient client = LlmClient.builder().model("smart", model).accounting(Accounting.create()).build()) {
      // Checkpoints: 1 the start, 2 the first model call, 3 the lookup started, 4 the lookup done.
      Agent first = Agent.builder(client).name("support").instructions("You help customers with refunds.")
          .tools(lookup, policy, draft).limits(limits).store(CrashingRunStore.afterCheckpoint(store, 4)).build();
      boolean crashed = false;
      try {
        first.run("ticket-1042", "I want a refund for order A-1042.");
      } catch (CrashingRunStore.SimulatedCrash e) {
        crashed = true;
        out.println("replica 1 crashed after step 2: " + e.getMessage());
      }
      Agent second = Agent.builder(client).name("support").instructions("You help customers with refunds.")
          .tools(lookup, policy, draft).limits(limits).store(store).build();
      RunResult result = second.resume("ticket-1042");
      out.println("replica 2 resumed: " + result.status());
      out.println();
      print(out, result, limits);
      out.printf("tool executions: lookup_order %d, check_refund_policy %d, draft_reply %d%n",
          lookups.get(), policies.get(), drafts.get());
      return new Summary(result, Map.of("lookup_order", lookups.get(), "check_refund_policy", policies.get(),
          "draft_reply", drafts.get()), crashed);
    }
  }

  private static void print(PrintStream out, RunResult result, RunLimits limits) {
    out.println("step  kind   name                  tokens in/out  cost (USD)   outcome");
    List<StepRecord> steps = result.steps();
    for (StepRecord s : steps) {
      out.printf("%4d  %-5s  %-20s  %6d/%-6d  %-11s  %s%n", s.number(), s.kind(), s.name(), s.inputTokens(),
          s.outputTokens(), s.cost().amount().toPlainString(), s.outcome());
    }
    out.printf("answer: %s%n", result.text());
    out.printf("spend: %s USD over %d model calls, %d input and %d output tokens%n",
        result.cost().amount().toPlainString(), result.state().modelCalls(), result.state().inputTokens(),
        result.state().outputTokens());
    out.printf("limits: steps %d/%d, tool calls %d/%d (draft_reply %d/%d), cost %s/%s USD, active time limit %s%n",
        steps.size(), limits.maxSteps(), result.state().toolCalls(), limits.maxToolCalls(),
        result.state().toolCallsByTool().getOrDefault("draft_reply", 0), limits.maxToolCallsPerTool().get("draft_reply"),
        result.cost().amount().toPlainString(), String.valueOf(limits.maxCost()), limits.maxDuration());
  }
}
