/** Implementation of the pipeline; not exported, may change without notice. */
@NullMarked
package dev.llmops.core.internal;

import org.jspecify.annotations.NullMarked;
