package dev.llmops.api;

import java.util.Objects;

/**
 * A typed key for a per-call attribute that a pipeline step records (a prompt fingerprint, a cost,
 * the variant) and that listeners and the final {@link Completion} can read. Keys compare by
 * identity: define each once as a constant.
 *
 * @param <T> the value type
 */
public final class AttributeKey<T> {
  private final String name;
  private final Class<T> type;
  private final boolean internal;

  private AttributeKey(String name, Class<T> type, boolean internal) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    this.internal = internal;
  }

  /** A new key; {@code name} is for diagnostics, conventionally {@code llmops.<step>.<what>}. */
  public static <T> AttributeKey<T> of(String name, Class<T> type) {
    return new AttributeKey<>(name, type, false);
  }

  /**
   * A new key for a step's own working state: readable through {@link CallAttributes} by whoever
   * holds the key, but left out of {@link CallAttributes#snapshot()} and so of the {@link
   * Completion}, which shows only results.
   */
  public static <T> AttributeKey<T> internal(String name, Class<T> type) {
    return new AttributeKey<>(name, type, true);
  }

  /** True for a key made with {@link #internal}: its value never leaves the pipeline. */
  public boolean isInternal() {
    return internal;
  }

  /** The key's name. */
  public String name() {
    return name;
  }

  /** The value type. */
  public Class<T> type() {
    return type;
  }

  @Override
  public String toString() {
    return name;
  }
}
