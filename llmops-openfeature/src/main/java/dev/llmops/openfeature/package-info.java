/**
 * An OpenFeature bridge for llmops experiments: a flag platform's string flag names the variant.
 * Install with {@code Experiments.builder().variantSource(OpenFeatureVariantSource.create(client))}.
 */
@NullMarked
package dev.llmops.openfeature;

import org.jspecify.annotations.NullMarked;
