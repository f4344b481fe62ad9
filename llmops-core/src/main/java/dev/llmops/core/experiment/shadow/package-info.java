/**
 * Shadow traffic's values and sink: an experiment variant can receive a copy of a sampled share of
 * its calls ({@link dev.llmops.core.experiment.shadow.Shadow}); each primary/shadow pair goes to a
 * {@link dev.llmops.core.experiment.shadow.ShadowSink}. The dispatching itself is part of
 * {@link dev.llmops.core.experiment.Experiments}.
 */
@NullMarked
package dev.llmops.core.experiment.shadow;

import org.jspecify.annotations.NullMarked;
