/** {@link dev.llmops.core.audit.AuditLog}: configuration changes to a dedicated logger and to sinks. */
@NullMarked
package dev.llmops.core.audit;

import org.jspecify.annotations.NullMarked;
