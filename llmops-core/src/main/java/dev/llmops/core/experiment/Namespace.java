package dev.llmops.core.experiment;

import java.util.Objects;

/**
 * A slice {@code [start, end)} of a GrowthBook namespace: experiments in one namespace whose slices
 * do not overlap never share a subject. A subject's place in a namespace depends only on the
 * subject and the namespace id. Immutable.
 *
 * @param id the namespace id
 * @param start the first bucket of the slice, in {@code [0, 1]}
 * @param end the first bucket after the slice, in {@code [start, 1]}
 */
public record Namespace(String id, double start, double end) {

  /** Checks the id. Range checks are the experiment builder's, so it can name the experiment. */
  public Namespace {
    Objects.requireNonNull(id, "id");
  }
}
