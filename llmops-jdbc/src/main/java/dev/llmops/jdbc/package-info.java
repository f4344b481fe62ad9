/**
 * llmops records on PostgreSQL: ledger, audit log, prompt store, schema migrations. Every store writes through
 * the bounded queues of {@code dev.llmops.core.sink} as a {@link dev.llmops.core.sink.BatchSink},
 * idempotently, so a retried batch never counts twice. See {@code docs/shared-state.md}.
 */
@NullMarked
package dev.llmops.jdbc;

import org.jspecify.annotations.NullMarked;
