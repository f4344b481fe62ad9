package dev.llmops.api;

import java.util.Map;
import java.util.Optional;

/**
 * Typed attributes of one call, written by pipeline steps and read by later steps, listeners and
 * the final {@link Completion}. Thread-safe: steps of one call may run on different threads.
 */
public interface CallAttributes {

  /** The value for {@code key}, if a step recorded one. */
  <T> Optional<T> get(AttributeKey<T> key);

  /** Records {@code value} for {@code key}, replacing an earlier value. */
  <T> void put(AttributeKey<T> key, T value);

  /** An immutable snapshot of all attributes. */
  Map<AttributeKey<?>, Object> snapshot();
}
