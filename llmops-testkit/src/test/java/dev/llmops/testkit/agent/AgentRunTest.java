package dev.llmops.testkit.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.agent.Agent;
import dev.llmops.agent.Decision;
import dev.llmops.agent.Limit;
import dev.llmops.agent.RunLimits;
import dev.llmops.agent.RunResult;
import dev.llmops.agent.RunState;
import dev.llmops.agent.RunStatus;
import dev.llmops.agent.RunStore;
import dev.llmops.agent.StepRecord;
import dev.llmops.agent.Tool;
import dev.llmops.agent.ToolExecution;
import dev.llmops.agent.ToolInvocation;
import dev.llmops.agent.ToolPayloads;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Message;
import dev.llmops.api.Money;
import dev.llmops.api.Role;
import dev.llmops.api.ToolCall;
import dev.llmops.api.Usage;
import dev.llmops.core.LlmClient;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.FakeReply;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Agent runs on a scripted model: the loop, limits, tool failures, approvals, crashes and resume. */
class AgentRunTest {
  record OrderQuery(String orderId) {}

  record Order(String orderId, String status) {}

  private final TestClock clock = TestClock.create();
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final List<String> lookups = new ArrayList<>();
  private final List<ToolInvocation> refunds = new ArrayList<>();
  private final Tool lookup = Tool.of("lookup_order", "Finds an order by id", OrderQuery.class, q -> {
    lookups.add(q.orderId());
    return new Order(q.orderId(), "shipped");
  });
  private final Tool refund = Tool.builder("issue_refund").description("Refunds an order")
      .parameters(OrderQuery.class)
      .function(inv -> {
        refunds.add(inv);
        return "refunded " + inv.arguments(OrderQuery.class).orderId();
      }).build();
  private FakeChatModel model = FakeChatModel.create();
  private LlmClient client;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  private Agent.Builder agent(ScriptedAgent script) {
    return agent(script, lookup, refund);
  }

  /** An agent with these tools over a client of a gpt-4o-priced fake model that plays the script. */
  private Agent.Builder agent(ScriptedAgent script, Tool... tools) {
    model = script.into(FakeChatModel.builder().provider("openai").modelId("gpt-4o").build());
    client = LlmClient.builder().model("smart", model).accounting(Accounting.create())
        .clock(clock).scheduler(scheduler).build();
    return Agent.builder(client).name("support").instructions("You help with orders.").tools(tools);
  }

  @Test
  void aRunCallsToolsFeedsTheResultsBackAndCompletes() {
    ScriptedAgent script = ScriptedAgent.create()
        .callTool("lookup_order", "{\"orderId\":\"42\"}").usage(Usage.of(1000, 100))
        .answer("Order 42 has shipped.").usage(Usage.of(1200, 20));
    RunStore store = RunStore.inMemory();
    RunResult r = agent(script).store(store).build().run("run-1", "Where is order 42?");

    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.text()).isEqualTo("Order 42 has shipped.");
    assertThat(lookups).containsExactly("42");
    assertThat(r.steps()).extracting(StepRecord::kind)
        .containsExactly(StepRecord.Kind.MODEL, StepRecord.Kind.TOOL, StepRecord.Kind.MODEL);
    assertThat(r.steps()).extracting(StepRecord::outcome).containsExactly("tool_calls", "ok", "ok");
    // The second model call saw the tool definitions, the tool call and its JSON result.
    ChatRequest second = model.requests().get(1);
    assertThat(second.tools().definitions()).extracting(d -> d.name()).containsExactly("lookup_order", "issue_refund");
    assertThat(second.tools().definition("lookup_order").parametersSchemaJson()).contains("\"orderId\"");
    Message result = second.messages().get(second.messages().size() - 1);
    assertThat(result.role()).isEqualTo(Role.TOOL);
    assertThat(result.toolCallId()).isEqualTo("call_1");
    assertThat(result.content()).isEqualTo("{\"orderId\":\"42\",\"status\":\"shipped\"}");
    assertThat(second.messages().get(0)).isEqualTo(Message.system("You help with orders."));
    // gpt-4o: $2.50 and $10 per million input and output tokens.
    Money first = Money.usd("0.0035");
    Money last = Money.usd("0.0032");
    assertThat(r.steps().get(0).cost()).isEqualTo(first);
    assertThat(r.cost()).isEqualTo(first.plus(last));
    assertThat(r.state().inputTokens()).isEqualTo(2200);
    assertThat(r.state().outputTokens()).isEqualTo(120);
    // One checkpoint at the start and after each step.
    RunState stored = store.load("run-1").orElseThrow();
    assertThat(stored.version()).isEqualTo(1 + 1 + 1 + 1 + 1); // start, model, tool started, tool, model
    assertThat(stored.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(stored).isEqualTo(r.state());
  }

  @Test
  void invalidArgumentsAndUnknownToolsGoBackToTheModelAsErrorsAndAreCounted() {
    ScriptedAgent script = ScriptedAgent.create()
        .callTools(ScriptedAgent.call("lookup_order", "{\"orderId\":42}"),
            ScriptedAgent.call("lookup_order", "{\"order\":\"42\"}"),
            ScriptedAgent.call("cancel_order", "{}"))
        .answer("Sorry.");
    RunResult r = agent(script).build().run("Where is 42?");
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(lookups).isEmpty();
    assertThat(r.state().invalidArguments()).isEqualTo(3);
    assertThat(r.state().toolCalls()).isZero();
    assertThat(r.steps()).extracting(StepRecord::outcome)
        .containsExactly("tool_calls", "invalid_arguments", "invalid_arguments", "unknown_tool", "ok");
    List<Message> sent = model.requests().get(1).messages();
    assertThat(sent.get(sent.size() - 3).content()).startsWith("error: the arguments do not match").contains("orderId");
    assertThat(sent.get(sent.size() - 2).content()).startsWith("error: the arguments do not match").contains("order");
    assertThat(sent.get(sent.size() - 1).content()).startsWith("error: there is no tool 'cancel_order'");
    assertThat(sent.subList(sent.size() - 3, sent.size())).allMatch(Message::toolError);
  }

  @Test
  void theStepLimitEndsALoopingRunWithWhatWasDone() {
    ScriptedAgent script = ScriptedAgent.create();
    for (int i = 0; i < 10; i++) {
      script.callTool("lookup_order", "{\"orderId\":\"" + i + "\"}");
    }
    RunResult r = agent(script).limits(RunLimits.builder().maxSteps(5).build()).build().run("loop");
    assertThat(r.status()).isEqualTo(RunStatus.LIMIT_REACHED);
    assertThat(r.limit()).isEqualTo(Limit.STEPS);
    assertThat(r.steps()).hasSize(5);
    assertThat(lookups).containsExactly("0", "1");
    assertThat(model.callCount()).isEqualTo(3);
  }

  @Test
  void toolCallLimitsInAllAndPerTool() {
    ScriptedAgent script = ScriptedAgent.create()
        .callTools(ScriptedAgent.call("lookup_order", "{\"orderId\":\"1\"}"),
            ScriptedAgent.call("issue_refund", "{\"orderId\":\"1\"}"),
            ScriptedAgent.call("issue_refund", "{\"orderId\":\"2\"}"));
    RunResult perTool = agent(script).limits(RunLimits.builder().maxToolCalls("issue_refund", 1).build()).build().run("x");
    assertThat(perTool.limit()).isEqualTo(Limit.TOOL_CALLS_PER_TOOL);
    assertThat(refunds).hasSize(1);
    assertThat(perTool.state().pending()).hasSize(1);

    refunds.clear();
    lookups.clear();
    RunResult total = agent(script).limits(RunLimits.builder().maxToolCalls(2).build()).build().run("x");
    assertThat(total.limit()).isEqualTo(Limit.TOOL_CALLS);
    assertThat(total.state().toolCalls()).isEqualTo(2);
    assertThat(lookups).hasSize(1);
    assertThat(refunds).hasSize(1);
  }

  @Test
  void theTokenLimitStopsBeforeTheNextModelCall() {
    ScriptedAgent script = ScriptedAgent.create();
    for (int i = 0; i < 5; i++) {
      script.callTool("lookup_order", "{\"orderId\":\"" + i + "\"}").usage(Usage.of(1000, 100));
    }
    RunResult tokens = agent(script).limits(RunLimits.builder().maxTokens(2000).build()).build().run("x");
    assertThat(tokens.limit()).isEqualTo(Limit.TOKENS);
    assertThat(tokens.state().modelCalls()).isEqualTo(2); // 1100 < 2000, then 2200
  }

  /**
   * A model that honours the output cap it is sent: each answer calls a tool, reports 100 input
   * tokens (fewer than the request's UTF-8 bytes, the bound reserved for) and writes 2,000 output
   * tokens or the cap, whichever is less.
   */
  private static FakeReply lookupWithinCap(ChatRequest request) {
    Integer cap = request.parameters().maxOutputTokens();
    int out = cap == null ? 2000 : Math.min(cap, 2000);
    return FakeReply.text("").withToolCalls(List.of(new ToolCall("call_" + request.messages().size(), "lookup_order",
        "{\"orderId\":\"1\"}"))).withUsage(Usage.of(100, out));
  }

  @Test
  void theMoneyLimitIsReservedBeforeEachModelCallSoARunNeverPassesIt() {
    Money max = Money.usd("0.05");
    Agent a = agent(ScriptedAgent.create()).limits(RunLimits.builder().maxCost(max).build()).build();
    model.when(r -> true).answer(AgentRunTest::lookupWithinCap);

    RunResult r = a.run("priced", "x");

    // gpt-4o, $2.50 and $10 per million: an uncapped call costs $0.02025. After two the run has
    // spent $0.0405, under the limit, so a check before the call (without a reservation) would
    // let a third, uncapped one take the run to $0.06075.
    List<StepRecord> calls = r.steps().stream().filter(s -> s.kind() == StepRecord.Kind.MODEL).toList();
    assertThat(calls.get(0).cost().plus(calls.get(1).cost())).isEqualTo(Money.usd("0.0405"));
    assertThat(r.limit()).isEqualTo(Limit.COST);
    assertThat(r.cost()).isLessThanOrEqualTo(max);
    // The third call was sent with its output cap lowered to what the rest of the money covers.
    List<ChatRequest> sent = model.requests();
    assertThat(sent.get(0).parameters().maxOutputTokens()).isGreaterThanOrEqualTo(2000);
    Integer thirdCap = sent.get(2).parameters().maxOutputTokens();
    assertThat(thirdCap).isNotNull().isBetween(1, 1999);
    assertThat(calls.get(2).outputTokens()).isEqualTo(thirdCap.longValue());
    assertThat(calls).hasSize(3); // a fourth has no room for its input: the run stops at COST
  }

  @Property(tries = 30)
  void noMoneyLimitIsEverPassedByAModelThatKeepsItsCap(
      @ForAll @IntRange(min = 1, max = 400) int limitMillicents, @ForAll @IntRange(min = 1, max = 5000) int wanted) {
    Money max = Money.usd(java.math.BigDecimal.valueOf(limitMillicents, 5));
    FakeChatModel m = FakeChatModel.builder().provider("openai").modelId("gpt-4o").build();
    try (LlmClient c = LlmClient.builder().accounting(Accounting.create()).model("smart", m).build()) {
      m.when(r -> true).answer(req -> {
        Integer cap = req.parameters().maxOutputTokens();
        return FakeReply.text("").withToolCalls(List.of(new ToolCall("call_" + req.messages().size(), "lookup_order",
            "{\"orderId\":\"1\"}"))).withUsage(Usage.of(50, cap == null ? wanted : Math.min(cap, wanted)));
      });
      RunResult r = Agent.builder(c).tools(lookup).limits(RunLimits.builder().maxSteps(60).maxToolCalls(60)
          .maxCost(max).build()).build().run("x");
      assertThat(r.cost()).isLessThanOrEqualTo(max);
    }
  }

  @Test
  void activeTimeIsMeasuredOnTheClientsClock() {
    Tool slow = Tool.builder("slow").parametersSchema("{\"type\":\"object\"}").function(inv -> {
      clock.advance(Duration.ofSeconds(10));
      return "done";
    }).build();
    ScriptedAgent script = ScriptedAgent.create().callTool("slow", "{}").callTool("slow", "{}").callTool("slow", "{}");
    RunResult r = agent(script).tools(slow).limits(RunLimits.builder().maxDuration(Duration.ofSeconds(15)).build())
        .build().run("x");
    assertThat(r.limit()).isEqualTo(Limit.DURATION);
    assertThat(r.state().activeMillis()).isEqualTo(20_000);
    assertThat(r.state().toolCalls()).isEqualTo(2);
  }

  @Test
  void aToolTimesOutOnTheSchedulerRetriesAndKeepsItsIdempotencyKey() {
    List<ToolInvocation> seen = new ArrayList<>();
    Tool hanging = Tool.builder("hanging").parametersSchema("{\"type\":\"object\"}")
        .timeout(Duration.ofSeconds(5)).maxAttempts(2)
        .asyncFunction(inv -> {
          seen.add(inv);
          return new CompletableFuture<>();
        }).build();
    ScriptedAgent script = ScriptedAgent.create().callTool("hanging", "{}").answer("gave up");
    CompletableFuture<RunResult> run = agent(script).tools(hanging).build().runAsync("r", "x");
    assertThat(run).isNotDone();
    clock.advance(Duration.ofSeconds(5));
    assertThat(run).isNotDone();
    clock.advance(Duration.ofSeconds(5));
    RunResult r = run.join();
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(seen).extracting(ToolInvocation::attempt).containsExactly(1, 2);
    assertThat(seen).extracting(ToolInvocation::idempotencyKey).containsExactly("r/call_1", "r/call_1");
    assertThat(r.steps().get(1).outcome()).isEqualTo("timeout");
    assertThat(model.requests().get(1).messages().get(3).content()).startsWith("error: the tool timed out");
  }

  @Test
  void aFailingToolIsRetriedThenReportedToTheModel() {
    AtomicInteger attempts = new AtomicInteger();
    Tool flaky = Tool.builder("flaky").parametersSchema("{\"type\":\"object\"}").maxAttempts(3).function(inv -> {
      if (attempts.incrementAndGet() < 3) {
        throw new IllegalStateException("backend down");
      }
      return "ok now";
    }).build();
    Tool broken = Tool.builder("broken").parametersSchema("{\"type\":\"object\"}").function(inv -> {
      throw new IllegalStateException("always down");
    }).build();
    ScriptedAgent script = ScriptedAgent.create().callTools(ScriptedAgent.call("flaky", "{}"), ScriptedAgent.call("broken", "{}"))
        .answer("done");
    RunResult r = agent(script).tools(flaky, broken).build().run("x");
    assertThat(attempts).hasValue(3);
    assertThat(r.steps()).extracting(StepRecord::outcome).containsExactly("tool_calls", "ok", "error", "ok");
    List<Message> sent = model.requests().get(1).messages();
    assertThat(sent.get(sent.size() - 2).content()).isEqualTo("ok now");
    assertThat(sent.get(sent.size() - 1).content()).isEqualTo("error: the tool failed: IllegalStateException: always down");
    assertThat(sent.subList(sent.size() - 2, sent.size())).as("the failed one is marked (Anthropic's is_error)")
        .extracting(Message::toolError).containsExactly(false, true);
  }

  @Test
  void aFailedModelCallFailsTheRunWithItsCheckpoint() {
    ScriptedAgent script = ScriptedAgent.create().callTool("lookup_order", "{\"orderId\":\"1\"}")
        .fail(Fault.invalidRequest());
    RunStore store = RunStore.inMemory();
    RunResult r = agent(script).store(store).build().run("failing", "x");
    assertThat(r.status()).isEqualTo(RunStatus.FAILED);
    assertThat(r.failure()).isInstanceOf(dev.llmops.api.InvalidRequestException.class);
    assertThat(r.state().error()).startsWith("InvalidRequestException");
    assertThat(store.load("failing").orElseThrow().status()).isEqualTo(RunStatus.FAILED);
    assertThat(lookups).containsExactly("1");
  }

  @Test
  void aCrashAfterACheckpointResumesOnAnotherReplicaWithoutRerunningCompletedTools() {
    ScriptedAgent script = ScriptedAgent.create()
        .callTool("lookup_order", "{\"orderId\":\"7\"}")
        .callTool("issue_refund", "{\"orderId\":\"7\"}")
        .answer("Refunded.");
    RunStore shared = RunStore.inMemory();
    // Checkpoints: 1 start, 2 model, 3 lookup started, 4 lookup done: the process dies after 4.
    CrashingRunStore crashing = CrashingRunStore.afterCheckpoint(shared, 4);
    Agent first = agent(script).store(crashing).build();
    assertThatThrownBy(() -> first.run("crashy", "refund 7")).isInstanceOf(CrashingRunStore.SimulatedCrash.class);
    assertThat(lookups).containsExactly("7");

    Agent replica = Agent.builder(client).name("support").tools(lookup, refund).store(shared).build();
    RunResult r = replica.resume("crashy");
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.text()).isEqualTo("Refunded.");
    assertThat(lookups).containsExactly("7");
    assertThat(refunds).hasSize(1);
    assertThat(r.steps()).extracting(StepRecord::number).containsExactly(1, 2, 3, 4, 5);
  }

  @Test
  void anUnrecordedExecutionOfAnIdempotentToolRunsAgainWithTheSameKey() {
    Tool idempotentRefund = Tool.builder("issue_refund").parameters(OrderQuery.class).idempotent(true)
        .function(inv -> {
          refunds.add(inv);
          return "refunded";
        }).build();
    ScriptedAgent script = ScriptedAgent.create().callTool("issue_refund", "{\"orderId\":\"7\"}").answer("Refunded.");
    RunStore shared = RunStore.inMemory();
    // Checkpoints: 1 start, 2 model, 3 refund started, 4 refund done: dies before 4 is stored.
    Agent first = agent(script).store(CrashingRunStore.beforeCheckpoint(shared, 4)).build();
    assertThatThrownBy(() -> first.run("r", "refund 7")).isInstanceOf(CrashingRunStore.SimulatedCrash.class);
    assertThat(shared.load("r").orElseThrow().pending().get(0).state())
        .isEqualTo(dev.llmops.agent.ToolExecution.State.STARTED);

    RunResult r = Agent.builder(client).tools(lookup, idempotentRefund).store(shared).build().resume("r");
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(refunds).extracting(ToolInvocation::idempotencyKey).containsExactly("r/call_1", "r/call_1");
    assertThat(r.state().toolCalls()).as("the re-run is the same execution").isEqualTo(1);
  }

  @Test
  void anUnrecordedExecutionOfAnotherToolWaitsForADecision() {
    ScriptedAgent script = ScriptedAgent.create().callTool("issue_refund", "{\"orderId\":\"7\"}").answer("Refunded.");
    RunStore shared = RunStore.inMemory();
    Agent first = agent(script).store(CrashingRunStore.beforeCheckpoint(shared, 4)).build();
    assertThatThrownBy(() -> first.run("r", "refund 7")).isInstanceOf(CrashingRunStore.SimulatedCrash.class);
    assertThat(refunds).hasSize(1);

    Agent replica = Agent.builder(client).tools(lookup, refund).store(shared).build();
    RunResult waiting = replica.resume("r");
    assertThat(waiting.status()).isEqualTo(RunStatus.AWAITING_DECISION);
    assertThat(waiting.waiting().toolCallId()).isEqualTo("call_1");
    assertThat(refunds).as("not run again without a decision").hasSize(1);
    assertThat(replica.resume("r").status()).as("resuming again still waits").isEqualTo(RunStatus.AWAITING_DECISION);
    assertThatThrownBy(() -> replica.approve("r", "call_1")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("AWAITING_DECISION");

    RunResult r = replica.decide("r", "call_1", Decision.result("refunded (found in the payment log)"));
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(refunds).hasSize(1);
    assertThat(r.steps().get(r.steps().size() - 2).outcome()).isEqualTo("decided");
    List<Message> sent = model.lastRequest().messages();
    assertThat(sent.get(sent.size() - 1).content()).isEqualTo("refunded (found in the payment log)");
  }

  @Test
  void aToolNeedingApprovalPausesTheRunUntilApproved() {
    Tool guarded = Tool.builder("issue_refund").parameters(OrderQuery.class).requiresApproval(true)
        .function(inv -> {
          refunds.add(inv);
          return "refunded";
        }).build();
    ScriptedAgent script = ScriptedAgent.create()
        .callTool("issue_refund", "{\"orderId\":\"7\"}")
        .callTool("issue_refund", "{\"orderId\":\"8\"}")
        .answer("One refunded, one not.");
    RunStore store = RunStore.inMemory();
    RunResult paused = agent(script, lookup, guarded).store(store).build().run("a", "refund 7 and 8");
    assertThat(paused.status()).isEqualTo(RunStatus.AWAITING_APPROVAL);
    assertThat(refunds).isEmpty();
    clock.advance(Duration.ofDays(3));

    Agent later = Agent.builder(client).tools(lookup, guarded).store(store)
        .limits(RunLimits.builder().maxDuration(Duration.ofMinutes(1)).build()).build();
    RunResult second = later.approve("a", "call_1");
    assertThat(second.status()).isEqualTo(RunStatus.AWAITING_APPROVAL);
    assertThat(second.waiting().toolCallId()).isEqualTo("call_2");
    assertThat(refunds).hasSize(1);
    RunResult done = later.reject("a", "call_2", "over the limit");
    assertThat(done.status()).as("days waiting do not count as active time").isEqualTo(RunStatus.COMPLETED);
    assertThat(refunds).hasSize(1);
    assertThat(done.steps()).extracting(StepRecord::outcome).containsExactly("tool_calls", "ok", "tool_calls", "rejected", "ok");
    List<Message> sent = model.lastRequest().messages();
    assertThat(sent.get(sent.size() - 1).content()).isEqualTo("rejected: over the limit");
  }

  @Test
  void aRunIdIsUsedOnceAndResumingAFinishedRunReturnsIt() {
    ScriptedAgent script = ScriptedAgent.create().answer("hi").answer("again");
    RunStore store = RunStore.inMemory();
    Agent a = agent(script).store(store).build();
    RunResult r = a.run("once", "hello");
    assertThatThrownBy(() -> a.run("once", "hello again")).isInstanceOf(dev.llmops.agent.RunConflictException.class);
    assertThat(a.resume("once")).isEqualTo(r);
    assertThatThrownBy(() -> a.resume("never")).isInstanceOf(java.util.NoSuchElementException.class)
        .hasMessageContaining("'never'");
    assertThat(model.callCount()).isEqualTo(1);
  }

  @Test
  void moneyIsExactOverManySteps() {
    ScriptedAgent script = ScriptedAgent.create();
    for (int i = 0; i < 9; i++) {
      script.callTool("lookup_order", "{\"orderId\":\"" + i + "\"}").usage(Usage.of(333, 77));
    }
    script.answer("done").usage(Usage.of(333, 77));
    RunResult r = agent(script).build().run("x");
    BigDecimal perCall = new BigDecimal("0.0000025").multiply(BigDecimal.valueOf(333))
        .add(new BigDecimal("0.00001").multiply(BigDecimal.valueOf(77)));
    assertThat(r.cost()).isEqualTo(Money.usd(perCall.multiply(BigDecimal.TEN)));
    assertThat(r.steps()).hasSize(19);
  }

  // ---- tool payloads in stored state ----

  private final Tool contact = Tool.builder("find_contact").parametersSchema("{\"type\":\"object\"}")
      .function(inv -> "{\"email\":\"jane.doe@example.com\",\"card\":\"4111 1111 1111 1111\"}").build();

  private ScriptedAgent contactScript() {
    return ScriptedAgent.create().callTool("find_contact", "{\"email\":\"jane.doe@example.com\"}").answer("Found her.");
  }

  @Test
  void checkpointsKeepToolPayloadsRedactedWhileTheLiveRunGivesTheModelThemWhole() {
    RunStore store = RunStore.inMemory();
    RunResult r = agent(contactScript(), contact).store(store).build().run("pii", "Find Jane");

    List<Message> sent = model.requests().get(1).messages();
    assertThat(sent.get(sent.size() - 2).toolCalls().get(0).argumentsJson()).contains("jane.doe@example.com");
    assertThat(sent.get(sent.size() - 1).content()).contains("jane.doe@example.com", "4111 1111 1111 1111");
    RunState stored = store.load("pii").orElseThrow();
    assertThat(stored.toString()).doesNotContain("jane.doe@example.com", "4111 1111 1111 1111");
    assertThat(stored.messages().get(stored.messages().size() - 2).content()).contains("EMAIL", "CREDIT_CARD");
    assertThat(stored.messages().get(2).toolCalls().get(0).argumentsJson()).contains("EMAIL");
    assertThat(r.state()).isEqualTo(stored);
    assertThat(r.text()).isEqualTo("Found her.");
  }

  @Test
  void rawToolPayloadsAreStoredOnlyWhenAskedFor() {
    RunStore store = RunStore.inMemory();
    agent(contactScript(), contact).storeToolPayloads(ToolPayloads.RAW).store(store).build().run("raw", "Find Jane");
    assertThat(store.load("raw").orElseThrow().toString()).contains("jane.doe@example.com", "4111 1111 1111 1111");
  }

  @Test
  void aRunResumedFromTheStoreGoesOnWithTheRedactedPayloads() {
    RunStore shared = RunStore.inMemory();
    // Checkpoints: 1 start, 2 model, 3 tool started, 4 tool done: the process dies after 4.
    Agent first = agent(contactScript(), contact).store(CrashingRunStore.afterCheckpoint(shared, 4)).build();
    assertThatThrownBy(() -> first.run("cut", "Find Jane")).isInstanceOf(CrashingRunStore.SimulatedCrash.class);

    RunResult r = Agent.builder(client).tools(contact).store(shared).build().resume("cut");
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    List<Message> sent = model.lastRequest().messages();
    assertThat(sent.get(sent.size() - 1).content()).doesNotContain("jane.doe@example.com").contains("EMAIL");
  }

  // ---- parallel tool calls ----

  @Test
  void theToolCallsOfOneAnswerRunTogetherUpToTheBoundAndTheirResultsKeepTheModelsOrder() {
    List<CompletableFuture<String>> results = new ArrayList<>();
    List<String> started = new ArrayList<>();
    Tool slow = Tool.builder("slow").parametersSchema("{\"type\":\"object\"}").asyncFunction(inv -> {
      CompletableFuture<String> f = new CompletableFuture<>();
      results.add(f);
      started.add(inv.toolCallId());
      return f;
    }).build();
    ScriptedAgent script = ScriptedAgent.create()
        .callTools(ScriptedAgent.call("slow", "{}"), ScriptedAgent.call("slow", "{}"), ScriptedAgent.call("slow", "{}"))
        .answer("done");
    RunStore store = RunStore.inMemory();
    CompletableFuture<RunResult> run = agent(script, slow).maxParallelToolCalls(2).store(store).build().runAsync("p", "x");

    assertThat(started).as("two at once; the third waits for the bound").containsExactly("call_1", "call_2");
    assertThat(store.load("p").orElseThrow().pending()).extracting(e -> e.state())
        .containsExactly(ToolExecution.State.STARTED, ToolExecution.State.STARTED, ToolExecution.State.PENDING);
    results.get(1).complete("second");
    assertThat(run).isNotDone();
    assertThat(started).hasSize(2);
    results.get(0).complete("first");
    assertThat(started).containsExactly("call_1", "call_2", "call_3");
    results.get(2).complete("third");

    RunResult r = run.join();
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    List<Message> sent = model.lastRequest().messages();
    assertThat(sent.subList(sent.size() - 3, sent.size())).extracting(Message::toolCallId, Message::content)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("call_1", "first"),
            org.assertj.core.groups.Tuple.tuple("call_2", "second"), org.assertj.core.groups.Tuple.tuple("call_3", "third"));
    assertThat(r.steps()).extracting(StepRecord::number).containsExactly(1, 2, 3, 4, 5);
  }

  @Test
  void eachParallelCallHasItsOwnTimeout() {
    CompletableFuture<String> quickResult = new CompletableFuture<>();
    Tool hanging = Tool.builder("hanging").parametersSchema("{\"type\":\"object\"}").timeout(Duration.ofSeconds(5))
        .asyncFunction(inv -> new CompletableFuture<>()).build();
    Tool quick = Tool.builder("quick").parametersSchema("{\"type\":\"object\"}").timeout(Duration.ofSeconds(30))
        .asyncFunction(inv -> quickResult).build();
    ScriptedAgent script = ScriptedAgent.create()
        .callTools(ScriptedAgent.call("hanging", "{}"), ScriptedAgent.call("quick", "{}")).answer("done");
    CompletableFuture<RunResult> run = agent(script, hanging, quick).build().runAsync("t", "x");
    quickResult.complete("quick answer");
    assertThat(run).isNotDone();
    clock.advance(Duration.ofSeconds(5));

    RunResult r = run.join();
    assertThat(r.steps()).extracting(StepRecord::outcome).containsExactly("tool_calls", "timeout", "ok", "ok");
    List<Message> sent = model.lastRequest().messages();
    assertThat(sent.get(sent.size() - 2).content()).startsWith("error: the tool timed out after PT5S");
    assertThat(sent.get(sent.size() - 1).content()).isEqualTo("quick answer");
  }

  @Test
  void synchronousFunctionsRunOnTheToolExecutorWhenSeveralAreCalledAtOnce() {
    List<Runnable> queued = new ArrayList<>();
    Tool echo = Tool.builder("echo").parametersSchema("{\"type\":\"object\"}")
        .function(inv -> "ran " + inv.toolCallId()).build();
    ScriptedAgent script = ScriptedAgent.create()
        .callTools(ScriptedAgent.call("echo", "{}"), ScriptedAgent.call("echo", "{}")).answer("done");
    CompletableFuture<RunResult> run = agent(script, echo).toolExecutor(queued::add).build().runAsync("e", "x");
    assertThat(queued).as("both handed over before either ran").hasSize(2);
    queued.get(1).run();
    assertThat(run).isNotDone();
    queued.get(0).run();

    RunResult r = run.join();
    List<Message> sent = model.lastRequest().messages();
    assertThat(sent.subList(sent.size() - 2, sent.size())).extracting(Message::content)
        .containsExactly("ran call_1", "ran call_2");
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void aCrashInAParallelBatchAsksForADecisionOnEachUnrecordedCallInOrder() {
    ScriptedAgent script = ScriptedAgent.create()
        .callTools(ScriptedAgent.call("issue_refund", "{\"orderId\":\"1\"}"),
            ScriptedAgent.call("issue_refund", "{\"orderId\":\"2\"}"))
        .answer("done");
    RunStore shared = RunStore.inMemory();
    // Checkpoints: 1 start, 2 model, 3 both started, 4 the first result: dies before storing it.
    Agent first = agent(script).store(CrashingRunStore.beforeCheckpoint(shared, 4)).build();
    assertThatThrownBy(() -> first.run("b", "x")).isInstanceOf(CrashingRunStore.SimulatedCrash.class);
    assertThat(refunds).hasSize(2);

    Agent replica = Agent.builder(client).tools(lookup, refund).store(shared).build();
    assertThat(replica.resume("b").waiting().toolCallId()).isEqualTo("call_1");
    RunResult second = replica.decide("b", "call_1", Decision.result("refunded 1"));
    assertThat(second.status()).isEqualTo(RunStatus.AWAITING_DECISION);
    assertThat(second.waiting().toolCallId()).isEqualTo("call_2");
    RunResult done = replica.decide("b", "call_2", Decision.rerun());
    assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(refunds).hasSize(3);
    assertThat(done.state().toolCalls()).as("re-runs are the same executions").isEqualTo(2);
  }
}
