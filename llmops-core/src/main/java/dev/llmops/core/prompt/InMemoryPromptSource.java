package dev.llmops.core.prompt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link PromptSource} held in memory, for tests and for prompts defined in code. Versions can be
 * added while it is in use ({@link #add}); label moves are stored here. Thread-safe.
 *
 * <pre>{@code
 * InMemoryPromptSource source = InMemoryPromptSource.builder()
 *     .add(PromptVersion.builder("greet", 1).user("Hello {{who}}").build())
 *     .label("greet", "production", 1)
 *     .build();
 * }</pre>
 */
public final class InMemoryPromptSource implements PromptSource {
  private final ConcurrentHashMap<String, PromptDefinition> prompts = new ConcurrentHashMap<>();

  private InMemoryPromptSource(Map<String, PromptDefinition> prompts) {
    this.prompts.putAll(prompts);
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Optional<PromptDefinition> load(String name) {
    return Optional.ofNullable(prompts.get(Objects.requireNonNull(name, "name")));
  }

  /**
   * Adds a version (a new prompt, or a new version of a known one) or replaces a version with the
   * same number, keeping the labels.
   */
  public void add(PromptVersion version) {
    Objects.requireNonNull(version, "version");
    prompts.compute(version.name(), (name, old) -> {
      if (old == null) {
        return PromptDefinition.of(List.of(version));
      }
      List<PromptVersion> versions = new ArrayList<>(old.versions());
      versions.removeIf(v -> v.version() == version.version());
      versions.add(version);
      return new PromptDefinition(name, versions, old.labels());
    });
  }

  /**
   * Stores the move.
   *
   * @throws IllegalArgumentException if the prompt or version is unknown
   */
  @Override
  public boolean moveLabel(String name, String label, int version) {
    prompts.compute(name, (n, old) -> {
      if (old == null) {
        throw new IllegalArgumentException("no prompt '" + name + "' in this source");
      }
      return old.withLabel(label, version);
    });
    return true;
  }

  /** Builds an {@link InMemoryPromptSource}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, List<PromptVersion>> versions = new LinkedHashMap<>();
    private final Map<String, Map<String, Integer>> labels = new LinkedHashMap<>();

    private Builder() {}

    /** Adds versions. */
    public Builder add(PromptVersion... versions) {
      for (PromptVersion v : versions) {
        this.versions.computeIfAbsent(Objects.requireNonNull(v, "version").name(), n -> new ArrayList<>()).add(v);
      }
      return this;
    }

    /** Points {@code label} of prompt {@code name} at {@code version}. */
    public Builder label(String name, String label, int version) {
      PromptVersion.checkName(label, "label");
      labels.computeIfAbsent(Objects.requireNonNull(name, "name"), n -> new LinkedHashMap<>()).put(label, version);
      return this;
    }

    /**
     * Builds the source.
     *
     * @throws dev.llmops.api.ConfigurationException if a version is duplicated or a label points at
     *     a missing version or prompt
     */
    public InMemoryPromptSource build() {
      Map<String, PromptDefinition> prompts = new LinkedHashMap<>();
      for (String name : labels.keySet()) {
        if (!versions.containsKey(name)) {
          throw new dev.llmops.api.ConfigurationException(
              "prompt '" + name + "': labels " + labels.get(name).keySet() + " given but no versions");
        }
      }
      versions.forEach((name, vs) -> prompts.put(name, new PromptDefinition(name, vs, labels.getOrDefault(name, Map.of()))));
      return new InMemoryPromptSource(prompts);
    }
  }
}
