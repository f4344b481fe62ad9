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
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
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
}
