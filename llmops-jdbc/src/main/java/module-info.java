/**
 * Durable llmops records on PostgreSQL through plain JDBC on the application's {@link
 * javax.sql.DataSource}: the ledger ({@link dev.llmops.jdbc.JdbcLedger}), the audit log ({@link
 * dev.llmops.jdbc.JdbcAuditLog}), encrypted transcripts ({@link dev.llmops.jdbc.JdbcTranscripts}), the prompt store ({@link dev.llmops.jdbc.JdbcPromptStore}), guarded rollouts shared by replicas
 * ({@link dev.llmops.jdbc.JdbcRolloutStore}, with {@code llmops-eval}), drift windows pooled by
 * replicas ({@link dev.llmops.jdbc.JdbcDriftStore}, with {@code llmops-eval}) and the
 * schema migrations ({@link dev.llmops.jdbc.JdbcMigrations}); {@link dev.llmops.jdbc.JdbcStores} binds
 * them to a configured client.
 */
module dev.llmops.jdbc {
  requires transitive dev.llmops.core;
  requires transitive dev.llmops.agent;
  requires transitive java.sql;
  // Optional: only JdbcRolloutStore and JdbcDriftStore use it; applications that use them have
  // llmops-eval already.
  requires static transitive dev.llmops.eval;
  requires com.fasterxml.jackson.databind;
  // Only JdbcMigrations uses Flyway, whose jar names no module: it is not required here, so no
  // consumer's module path holds a file-name-derived module; JdbcMigrations reads it from the class
  // path (see this module's pom).
  requires static transitive org.jspecify;

  exports dev.llmops.jdbc;
}
