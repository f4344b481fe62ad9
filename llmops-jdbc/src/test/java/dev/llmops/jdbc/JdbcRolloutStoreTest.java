package dev.llmops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.eval.monitor.RolloutStore;
import dev.llmops.eval.monitor.tck.RolloutReplicasContract;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rollout store contracts against the real PostgreSQL, in a schema of their own: each
 * replica's store is a new instance on the shared pool, and the right to act is an advisory lock
 * held by a session.
 */
class JdbcRolloutStoreTest extends RolloutReplicasContract {
  @RegisterExtension static final TestDatabase db = TestDatabase.migrated();

  private final List<JdbcRolloutStore> opened = new CopyOnWriteArrayList<>();

  JdbcRolloutStore newReplica() {
    JdbcRolloutStore s = JdbcRolloutStore.create(db.dataSource(), db.schema());
    opened.add(s);
    return s;
  }

  @AfterEach
  void releaseLocks() {
    opened.forEach(JdbcRolloutStore::close);
  }

  @Override
  protected RolloutStore replica() {
    return newReplica();
  }

  private long advisoryLocksHeld() {
    return db.number("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
        + " AND pid IN (SELECT pid FROM pg_stat_activity WHERE datname = current_database())");
  }

  @Test
  void theRightToActIsAnAdvisoryLockThatEndsWithItsSession() {
    JdbcRolloutStore a = newReplica();
    long before = advisoryLocksHeld();
    assertThat(a.tryAct("lock-check", "a", Duration.ofSeconds(1))).isTrue();
    assertThat(advisoryLocksHeld()).isEqualTo(before + 1);
    assertThat(a.tryAct("lock-check", "a", Duration.ofSeconds(1))).as("renewing takes no second lock").isTrue();
    assertThat(advisoryLocksHeld()).isEqualTo(before + 1);
    // The replica dies: its session ends (terminated by the server here, which waits up to 10 s for
    // the backend to be gone), and with it the lock.
    db.execute("SELECT pg_terminate_backend(l.pid, 10000) FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted"
        + " AND l.objid = (hashtextextended('llmops-rollout:" + db.schema()
        + ".llmops_rollout_state:lock-check', 0) & 4294967295)::oid");
    JdbcRolloutStore b = newReplica();
    assertThat(b.tryAct("lock-check", "b", Duration.ofSeconds(1))).isTrue();
    assertThatThrownBy(() -> a.saveState("lock-check", "a", "{}")).isInstanceOf(JdbcStoreException.class);
    assertThat(a.tryAct("lock-check", "a", Duration.ofSeconds(1))).as("a's session is gone; b holds the lock").isFalse();
    assertThat(b.saveState("lock-check", "b", "{\"step\":1}")).isTrue();
    b.release("lock-check", "b");
    assertThat(advisoryLocksHeld()).isEqualTo(before);
  }

  @Test
  void countsAreRowsThatOldWindowsLeave() {
    JdbcRolloutStore s = newReplica();
    s.add("rows-check", 0, "canary", Map.of("m.ERROR_RATE.n", 2.0, "lat.-4", 1.0));
    s.add("rows-check", 1, "canary", Map.of("m.ERROR_RATE.n", 2.0));
    assertThat(db.number("SELECT count(*) FROM " + db.schema() + ".llmops_rollout_count WHERE rollout = 'rows-check'"))
        .isEqualTo(3);
    s.forgetBefore("rows-check", 1);
    assertThat(db.number("SELECT count(*) FROM " + db.schema() + ".llmops_rollout_count WHERE rollout = 'rows-check'"))
        .isEqualTo(1);
  }

  @Test
  void aKillIsARowOfMigrationV7WithTheServersTime() {
    assertThat(db.number("SELECT count(*) FROM " + db.schema() + ".llmops_schema_history WHERE version = '7'"
        + " AND script = 'V7__rollout_kills.sql' AND success")).isEqualTo(1);
    JdbcRolloutStore s = newReplica();
    s.kill("kill-check", "b", "incident\u0000 42");
    s.kill("kill-check", "a", "later");
    assertThat(db.number("SELECT count(*) FROM " + db.schema() + ".llmops_rollout_kill WHERE rollout = 'kill-check'"
        + " AND killed_by = 'b' AND killed_at > now() - interval '1 minute'")).isEqualTo(1);
    assertThat(s.killed("kill-check").orElseThrow().reason()).as("NUL is not storable text").isEqualTo("incident\uFFFD 42");
  }
}
