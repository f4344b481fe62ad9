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

  private AttributeKey(String name, Class<T> type) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
  }

  /** A new key; {@code name} is for diagnostics, conventionally {@code llmops.<step>.<what>}. */
  public static <T> AttributeKey<T> of(String name, Class<T> type) {
    return new AttributeKey<>(name, type);
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
