/** The time seam: every time-dependent part reads a {@link java.time.Clock} and schedules through {@link dev.llmops.api.time.TaskScheduler}. */
@NullMarked
package dev.llmops.api.time;

import org.jspecify.annotations.NullMarked;
