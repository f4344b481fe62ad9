package dev.llmops.core.prompt;

import dev.llmops.api.ConfigurationException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything a {@link PromptSource} knows about one prompt: its versions and its labels. Immutable.
 *
 * @param name the prompt's name
 * @param versions every version, at least one, sorted by number (the constructor sorts them)
 * @param labels label name to version number; {@link PromptRegistry#LATEST} is implicit and may
 *     not be set
 */
public record PromptDefinition(String name, List<PromptVersion> versions, Map<String, Integer> labels) {

  /**
   * Checks that every version belongs to this prompt and has its own number, and that every label
   * points at an existing version; sorts the versions and copies the collections.
   *
   * @throws ConfigurationException listing every problem found
   */
  public PromptDefinition {
    Objects.requireNonNull(name, "name");
    List<PromptVersion> sorted = new ArrayList<>(versions);
    sorted.sort(Comparator.comparingInt(PromptVersion::version));
    versions = List.copyOf(sorted);
    labels = Map.copyOf(new TreeMap<>(labels));
    List<String> problems = new ArrayList<>();
    if (versions.isEmpty()) {
      problems.add("prompt '" + name + "': no versions");
    }
    for (int i = 0; i < versions.size(); i++) {
      PromptVersion v = versions.get(i);
      if (!v.name().equals(name)) {
        problems.add("prompt '" + name + "': version " + v.version() + " belongs to prompt '" + v.name() + "'");
      }
      if (i > 0 && versions.get(i - 1).version() == v.version()) {
        problems.add("prompt '" + name + "': duplicate version " + v.version());
      }
    }
    for (Map.Entry<String, Integer> label : labels.entrySet()) {
      if (PromptRegistry.LATEST.equals(label.getKey())) {
        problems.add("prompt '" + name + "': label '" + PromptRegistry.LATEST + "' is implicit and cannot be set");
      } else if (versions.stream().noneMatch(v -> v.version() == label.getValue())) {
        problems.add("prompt '" + name + "': label '" + label.getKey() + "' points at version " + label.getValue()
            + ", which does not exist");
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
  }

  /** A definition of {@code versions} with no labels. */
  public static PromptDefinition of(List<PromptVersion> versions) {
    if (versions.isEmpty()) {
      throw new IllegalArgumentException("a prompt needs at least one version");
    }
    return new PromptDefinition(versions.get(0).name(), versions, Map.of());
  }

  /** The highest-numbered version. */
  public PromptVersion latest() {
    return versions.get(versions.size() - 1);
  }

  /** The version numbered {@code version}, if there is one. */
  public Optional<PromptVersion> version(int version) {
    for (PromptVersion v : versions) {
      if (v.version() == version) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  /** This definition with {@code label} pointing at {@code version}. */
  public PromptDefinition withLabel(String label, int version) {
    Map<String, Integer> moved = new LinkedHashMap<>(labels);
    moved.put(label, version);
    return new PromptDefinition(name, versions, moved);
  }
}
