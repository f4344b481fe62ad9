package dev.llmops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.eval.monitor.DriftStore;
import dev.llmops.eval.monitor.tck.DriftStoreContract;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The drift store contract against the real PostgreSQL, in a schema of their own: each replica's
 * store is a new instance on the shared pool, the right to check an advisory lock held by a
 * session, and offered windows rows of migration V8.
 */
class JdbcDriftStoreTest extends DriftStoreContract {
  @RegisterExtension static final TestDatabase db = TestDatabase.migrated();

  private final List<JdbcDriftStore> opened = new CopyOnWriteArrayList<>();

  JdbcDriftStore newReplica() {
    JdbcDriftStore s = JdbcDriftStore.create(db.dataSource(), db.schema());
    opened.add(s);
    return s;
  }

  @AfterEach
  void releaseLocks() {
    opened.forEach(JdbcDriftStore::close);
  }

  @Override
  protected DriftStore replica() {
    return newReplica();
  }

  private long rows(String monitor) {
    return db.number("SELECT count(*) FROM " + db.schema() + ".llmops_drift_window WHERE monitor = '" + monitor + "'");
  }

  @Test
  void offeredWindowsAreRowsOfMigrationV8ThatADrainDeletes() {
    assertThat(db.number("SELECT count(*) FROM " + db.schema() + ".llmops_schema_history WHERE version = '8'"
        + " AND script = 'V8__drift_windows.sql' AND success")).isEqualTo(1);
    JdbcDriftStore s = newReplica();
    s.offer("rows-check", "{\"text\":\"a\u0000b\"}");
    s.offer("rows-check", "{}");
    assertThat(rows("rows-check")).isEqualTo(2);
    assertThat(db.number("SELECT count(*) FROM " + db.schema() + ".llmops_drift_window WHERE monitor = 'rows-check'"
        + " AND offered_at > now() - interval '1 minute'")).isEqualTo(2);
    assertThat(s.tryCheck("rows-check", "a", Duration.ofSeconds(1))).isTrue();
    assertThat(s.drain("rows-check", "a")).as("NUL is not storable text").containsExactly("{\"text\":\"a\uFFFDb\"}", "{}");
    assertThat(rows("rows-check")).isZero();
  }

  @Test
  void theRightToCheckIsAnAdvisoryLockThatEndsWithItsSession() {
    JdbcDriftStore a = newReplica();
    assertThat(a.tryCheck("lock-check", "a", Duration.ofSeconds(1))).isTrue();
    assertThat(a.tryCheck("lock-check", "a", Duration.ofSeconds(1))).as("renewing takes no second lock").isTrue();
    a.offer("lock-check", "{}");
    // The replica dies: its session ends (terminated by the server here, which waits up to 10 s for
    // the backend to be gone), and with it the lock.
    db.execute("SELECT pg_terminate_backend(l.pid, 10000) FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted"
        + " AND l.objid = (hashtextextended('llmops-drift:" + db.schema()
        + ".llmops_drift_window:lock-check', 0) & 4294967295)::oid");
    JdbcDriftStore b = newReplica();
    assertThat(b.tryCheck("lock-check", "b", Duration.ofSeconds(1))).isTrue();
    assertThatThrownBy(() -> a.drain("lock-check", "a")).isInstanceOf(JdbcStoreException.class)
        .hasMessageContaining("llmops_drift_window");
    assertThat(a.drain("lock-check", "a")).as("a's broken session is forgotten").isEmpty();
    assertThat(a.tryCheck("lock-check", "a", Duration.ofSeconds(1))).as("b holds the lock").isFalse();
    assertThat(b.drain("lock-check", "b")).containsExactly("{}");
    b.release("lock-check", "b");
    assertThat(a.tryCheck("lock-check", "a", Duration.ofSeconds(1))).isTrue();
  }
}
