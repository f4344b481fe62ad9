package dev.llmops.testkit.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmops.agent.Limit;
import dev.llmops.agent.RunConflictException;
import dev.llmops.agent.RunState;
import dev.llmops.agent.RunStatus;
import dev.llmops.agent.RunStore;
import dev.llmops.agent.StepRecord;
import dev.llmops.agent.ToolExecution;
import dev.llmops.api.Message;
import dev.llmops.api.Money;
import dev.llmops.api.Role;
import dev.llmops.api.ToolCall;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link RunStore} keeps, as tests a store's own test class inherits: {@code
 * class PostgresRunStoreTest extends RunStoreContract { protected RunStore store() {...} }}. It
 * checks that a checkpoint comes back equal (every field, messages with tool calls and non-ASCII
 * text included), that versions follow each other with nothing stored on a conflict, that runs are
 * kept apart, and that of two replicas saving the same next checkpoint at once exactly one wins.
 */
public abstract class RunStoreContract {

  /** For the store's test class. */
  protected RunStoreContract() {}

  /** The store under test; may be the same instance for every test (run ids are unique). */
  protected abstract RunStore store();

  /** A run id no other test uses. */
  protected static String newRunId() {
    return "run-" + UUID.randomUUID();
  }

  /** A state of {@code runId} at {@code version} with every field set. */
  protected static RunState sample(String runId, long version) {
    List<Message> messages = List.of(
        Message.system("You help with orders."),
        Message.user("Où est ma commande 42 ? \uD83D\uDCE6"),
        new Message(Role.ASSISTANT, "", List.of(new ToolCall("call_1", "lookup_order", "{\"orderId\":\"42\"}")), null),
        Message.tool("call_1", "{\"status\":\"shipped\"}"));
    List<ToolExecution> pending = List.of(
        new ToolExecution("call_2", "draft_reply", "{\"tone\":\"warm\"}", ToolExecution.State.STARTED));
    List<StepRecord> steps = List.of(
        new StepRecord(1, StepRecord.Kind.MODEL, "smart", "call-abc", 120, 30, Money.usd("0.00123"), 40, "tool_calls"),
        new StepRecord(2, StepRecord.Kind.TOOL, "lookup_order", "call_1", 0, 0, Money.ZERO, 7, "ok"));
    return new RunState(runId, "support", version, RunStatus.RUNNING, null, "", messages, pending, steps,
        Map.of("lookup_order", 1, "draft_reply", 1), 1, 120, 30, Money.usd("0.00123"), 47,
        Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:01.500Z"));
  }

  @Test
  void aSavedCheckpointLoadsEqual() {
    String id = newRunId();
    RunState first = sample(id, 1);
    store().save(first);
    assertEquals(first, store().load(id).orElseThrow());
  }

  @Test
  void anUnknownRunIsEmpty() {
    assertTrue(store().load(newRunId()).isEmpty());
  }

  @Test
  void versionsFollowEachOtherAndTheLatestWins() {
    String id = newRunId();
    store().save(sample(id, 1));
    RunState second = new RunState(id, "support", 2, RunStatus.LIMIT_REACHED, Limit.COST, "", List.of(Message.user("x")),
        List.of(), List.of(), Map.of(), 0, 1, 2, Money.usd("0.5"), 3, Instant.EPOCH, Instant.EPOCH.plusMillis(3));
    store().save(second);
    assertEquals(second, store().load(id).orElseThrow());
  }

  @Test
  void aStaleOrSkippedVersionConflictsAndStoresNothing() {
    String id = newRunId();
    RunState first = sample(id, 1);
    store().save(first);
    assertThrows(RunConflictException.class, () -> store().save(sample(id, 1)));
    assertThrows(RunConflictException.class, () -> store().save(sample(id, 3)));
    assertEquals(first, store().load(id).orElseThrow());
  }

  @Test
  void aNewRunStartsAtVersionOne() {
    String id = newRunId();
    assertThrows(RunConflictException.class, () -> store().save(sample(id, 2)));
    assertTrue(store().load(id).isEmpty());
  }

  @Test
  void runsAreKeptApart() {
    String a = newRunId();
    String b = newRunId();
    store().save(sample(a, 1));
    store().save(sample(b, 1));
    store().save(sample(a, 2));
    assertEquals(2, store().load(a).orElseThrow().version());
    assertEquals(1, store().load(b).orElseThrow().version());
  }

  @Test
  void ofTwoReplicasSavingTheSameCheckpointExactlyOneWins() throws Exception {
    for (int round = 0; round < 20; round++) {
      String id = newRunId();
      store().save(sample(id, 1));
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<Boolean>> results = new ArrayList<>();
        for (int replica = 0; replica < 2; replica++) {
          Callable<Boolean> save = () -> {
            go.await();
            try {
              store().save(sample(id, 2));
              return true;
            } catch (RunConflictException e) {
              return false;
            }
          };
          results.add(pool.submit(save));
        }
        go.countDown();
        int wins = 0;
        for (Future<Boolean> r : results) {
          wins += r.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertEquals(1, wins, "round " + round);
        assertEquals(2, store().load(id).orElseThrow().version());
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
