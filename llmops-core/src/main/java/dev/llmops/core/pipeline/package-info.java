/** Implementation of the pipeline; not exported, may change without notice. */
@NullMarked
package dev.llmops.core.pipeline;

import org.jspecify.annotations.NullMarked;
