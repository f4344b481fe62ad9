/**
 * The bounded record queue behind every supplied sink, its journal file and the journal's record
 * codecs; not exported, may change without notice. See {@code docs/architecture.md}, "Sinks".
 */
@NullMarked
package dev.llmops.core.sink.internal;

import org.jspecify.annotations.NullMarked;
