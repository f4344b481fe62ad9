package dev.llmops.api;

import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Typed attributes of one call, written by pipeline steps and read by later steps, listeners and
 * the final {@link Completion}. Thread-safe: steps of one call may run on different threads.
 */
public interface CallAttributes {

  /** The value for {@code key}, if a step recorded one. */
  <T> Optional<T> get(AttributeKey<T> key);

  /**
   * The value for {@code key}, or null if no step recorded one: {@link #get} without the {@link
   * Optional}, for steps and listeners that read several attributes on every call.
   */
  default <T> @Nullable T getOrNull(AttributeKey<T> key) {
    return get(key).orElse(null);
  }

  /** Records {@code value} for {@code key}, replacing an earlier value. */
  <T> void put(AttributeKey<T> key, T value);

  /** An immutable snapshot of all attributes except those of {@link AttributeKey#internal} keys. */
  Map<AttributeKey<?>, Object> snapshot();
}
