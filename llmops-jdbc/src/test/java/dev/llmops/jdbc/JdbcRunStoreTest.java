package dev.llmops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.agent.Agent;
import dev.llmops.agent.RunResult;
import dev.llmops.agent.RunStatus;
import dev.llmops.agent.RunStore;
import dev.llmops.agent.Tool;
import dev.llmops.agent.ToolExecution;
import dev.llmops.agent.ToolInvocation;
import dev.llmops.core.LlmClient;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.agent.CrashingRunStore;
import dev.llmops.testkit.agent.RunStoreContract;
import dev.llmops.testkit.agent.ScriptedAgent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link JdbcRunStore} on the real PostgreSQL keeps the {@link RunStoreContract}, and a run that
 * crashed mid-tool resumes from it on a fresh agent.
 */
class JdbcRunStoreTest extends RunStoreContract {
  @RegisterExtension static final TestDatabase db = TestDatabase.migrated();

  record OrderQuery(String orderId) {}

  @Override
  protected RunStore store() {
    return JdbcRunStore.create(db.dataSource(), db.schema());
  }

  @Test
  void aRunCutShortInAToolResumesFromPostgresWithoutRepeatingCompletedSteps() throws Exception {
    List<ToolInvocation> lookups = new ArrayList<>();
    List<ToolInvocation> refunds = new ArrayList<>();
    Tool lookup = Tool.builder("lookup_order").parameters(OrderQuery.class).function(inv -> {
      lookups.add(inv);
      return "{\"status\":\"delivered\"}";
    }).build();
    Tool refund = Tool.builder("issue_refund").parameters(OrderQuery.class).idempotent(true).function(inv -> {
      refunds.add(inv);
      return "refunded";
    }).build();
    FakeChatModel model = ScriptedAgent.create()
        .callTool("lookup_order", "{\"orderId\":\"7\"}")
        .callTool("issue_refund", "{\"orderId\":\"7\"}")
        .answer("Refunded.")
        .model();
    String runId = RunStoreContract.newRunId();
    try (LlmClient client = LlmClient.builder().model("m", model).build()) {
      // 1 start, 2 model, 3 lookup started, 4 lookup done, 5 model, 6 refund started, 7 refund done: lost.
      Agent first = Agent.builder(client).tools(lookup, refund)
          .store(CrashingRunStore.beforeCheckpoint(store(), 7)).build();
      assertThatThrownBy(() -> first.run(runId, "refund 7")).isInstanceOf(CrashingRunStore.SimulatedCrash.class);
      assertThat(store().load(runId).orElseThrow().pending()).singleElement()
          .extracting(ToolExecution::state).isEqualTo(ToolExecution.State.STARTED);

      RunResult r = Agent.builder(client).tools(lookup, refund).store(store()).build().resume(runId);
      assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(r.text()).isEqualTo("Refunded.");
      assertThat(lookups).hasSize(1);
      assertThat(refunds).extracting(ToolInvocation::idempotencyKey).containsExactly(runId + "/call_2", runId + "/call_2");
      assertThat(store().load(runId).orElseThrow()).isEqualTo(r.state());
    }
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT version, status FROM " + db.schema() + ".llmops_agent_run WHERE run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(8); // 1 to 6 before the crash; 7 the refund done, 8 the answer
        assertThat(rs.getString(2)).isEqualTo("COMPLETED");
      }
    }
  }

  /** Counts what goes to the database: connections taken from the pool and statements executed. */
  static final class Counting {
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger statements = new AtomicInteger();
    final List<String> sql = new CopyOnWriteArrayList<>();

    DataSource over(DataSource real) {
      return proxy(DataSource.class, real, (method, args, result) -> {
        if (method.getName().equals("getConnection")) {
          connections.incrementAndGet();
          return proxy(Connection.class, result, (m2, a2, r2) -> {
            if (m2.getName().equals("prepareStatement")) {
              String text = (String) a2[0];
              return proxy(PreparedStatement.class, r2, (m3, a3, r3) -> {
                if (m3.getName().startsWith("execute")) {
                  statements.incrementAndGet();
                  sql.add(text);
                }
                return r3;
              });
            }
            return r2;
          });
        }
        return result;
      });
    }

    interface After {
      Object apply(Method method, Object[] args, Object result) throws Exception;
    }

    private static <T> T proxy(Class<T> type, Object real, After after) {
      return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
        Object result;
        try {
          result = method.invoke(real, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
        return after.apply(method, args == null ? new Object[0] : args, result);
      }));
    }
  }

  @Test
  void aCheckpointIsOneStatementOnOneConnectionPerStep() {
    Counting counting = new Counting();
    RunStore counted = JdbcRunStore.create(counting.over(db.dataSource()), db.schema());
    Tool lookup = Tool.builder("lookup_order").parameters(OrderQuery.class).function(inv -> "{\"status\":\"delivered\"}")
        .build();
    ScriptedAgent script = ScriptedAgent.create();
    for (int i = 0; i < 5; i++) {
      script.callTool("lookup_order", "{\"orderId\":\"" + i + "\"}");
    }
    script.answer("All delivered.");
    try (LlmClient client = LlmClient.builder().model("m", script.model()).build()) {
      RunResult r = Agent.builder(client).tools(lookup).store(counted).build().run(RunStoreContract.newRunId(), "x");
      assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
      // Checkpoints: the start, then per model call one, per tool call two (started, done).
      long checkpoints = r.state().version();
      assertThat(checkpoints).isEqualTo(1 + 6 + 5 * 2);
      assertThat(counting.statements).as("one statement per checkpoint").hasValue((int) checkpoints);
      assertThat(counting.connections).as("one connection per checkpoint").hasValue((int) checkpoints);
      assertThat(counting.sql.get(0)).startsWith("INSERT");
      assertThat(counting.sql.subList(1, counting.sql.size())).allMatch(q -> q.startsWith("UPDATE"));
      assertThat(r.steps()).hasSize(11);
    }
  }

  @Test
  void theStoredRowKeepsToolPayloadsRedacted() throws Exception {
    Tool contact = Tool.builder("find_contact").parametersSchema("{\"type\":\"object\"}")
        .function(inv -> "{\"email\":\"jane.doe@example.com\"}").build();
    FakeChatModel model = ScriptedAgent.create()
        .callTool("find_contact", "{\"phone\":\"+1 415 555 0132\",\"email\":\"jane.doe@example.com\"}")
        .answer("Found her.").model();
    String runId = RunStoreContract.newRunId();
    try (LlmClient client = LlmClient.builder().model("m", model).build()) {
      RunResult r = Agent.builder(client).tools(contact).store(store()).build().run(runId, "Find Jane");
      assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(model.lastRequest().messages().get(2).content()).contains("jane.doe@example.com");
    }
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT state::text FROM " + db.schema() + ".llmops_agent_run WHERE run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).doesNotContain("jane.doe@example.com").contains("EMAIL");
      }
    }
  }
}
