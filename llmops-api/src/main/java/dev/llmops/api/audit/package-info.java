/**
 * The audit trail of configuration changes: {@link dev.llmops.api.audit.AuditEvent} and the {@link
 * dev.llmops.api.audit.AuditSink} SPI that prompt labels, experiment weights, budgets and kill
 * switches report their changes to.
 */
@NullMarked
package dev.llmops.api.audit;

import org.jspecify.annotations.NullMarked;
