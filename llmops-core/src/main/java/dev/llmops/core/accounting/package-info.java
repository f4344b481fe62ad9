/**
 * Token and cost accounting: the cost of every attempt that reached a provider, one ledger record
 * per attempt with its attribution, the {@link dev.llmops.core.accounting.LedgerSink} SPI and an
 * in-memory ledger with summaries.
 */
@NullMarked
package dev.llmops.core.accounting;

import org.jspecify.annotations.NullMarked;
