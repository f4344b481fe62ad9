/**
 * Delivery of records (ledger records, audit events, transcripts) to sinks off the call path: what
 * applications configure and implement. {@link dev.llmops.core.sink.SinkQueue} configures the
 * bounded queue each supplied sink is written through (capacity, batch size, {@link
 * dev.llmops.core.sink.OverflowPolicy}, retry backoff, journal file, close timeout); {@link
 * dev.llmops.core.sink.BatchSink} is the SPI a sink implements to receive records in batches;
 * {@link dev.llmops.core.sink.SinkStats} and {@link dev.llmops.core.sink.SinkEvent} are what a
 * queue reports. See {@code docs/observability.md}.
 */
@NullMarked
package dev.llmops.core.sink;

import org.jspecify.annotations.NullMarked;
