/**
 * Durable llmops records on PostgreSQL through plain JDBC on the application's {@link
 * javax.sql.DataSource}: the ledger ({@link dev.llmops.jdbc.JdbcLedger}), the audit log ({@link
 * dev.llmops.jdbc.JdbcAuditLog}), encrypted transcripts ({@link dev.llmops.jdbc.JdbcTranscripts}), the prompt store ({@link dev.llmops.jdbc.JdbcPromptStore}), guarded rollouts shared by replicas
 * ({@link dev.llmops.jdbc.JdbcRolloutStore}, with {@code llmops-eval}) and the
 * schema migrations ({@link dev.llmops.jdbc.JdbcMigrations}); {@link dev.llmops.jdbc.JdbcStores} binds
 * them to a configured client.
 */
@SuppressWarnings({"requires-automatic"}) // Flyway's jar names no module: see docs/shared-state.md
module dev.llmops.jdbc {
  requires transitive dev.llmops.core;
  requires transitive dev.llmops.agent;
  requires transitive java.sql;
  // Optional: only JdbcRolloutStore uses it; applications that use it have llmops-eval already.
  requires static transitive dev.llmops.eval;
  requires com.fasterxml.jackson.databind;
  // Only JdbcMigrations uses Flyway; an application that runs our SQL with its own tool needs no
  // Flyway on its module path.
  requires static flyway.core;
  requires static transitive org.jspecify;

  exports dev.llmops.jdbc;
}
