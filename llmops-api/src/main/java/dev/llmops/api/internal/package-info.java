/**
 * Implementation details of llmops-api shared with llmops-core only. Not API: exported to {@code
 * dev.llmops.core} alone, and may change in any release.
 */
@NullMarked
package dev.llmops.api.internal;

import org.jspecify.annotations.NullMarked;
