package dev.llmops.api;

import java.util.List;

/**
 * A configuration (a builder, a file) is invalid. Lists every problem found, each naming its
 * file, key or field, not just the first.
 */
public class ConfigurationException extends LlmException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /**
   * Creates the exception.
   *
   * @param problems each problem, naming its file, key or field; at least one
   */
  public ConfigurationException(List<String> problems) {
    super(summarise(problems), ErrorDetails.LOCAL, null);
    this.problems = List.copyOf(problems);
  }

  /** Creates the exception for a single problem. */
  public ConfigurationException(String problem) {
    this(List.of(problem));
  }

  /** Every problem found. */
  public List<String> problems() {
    return problems;
  }

  @Override
  public boolean retryable() {
    return false;
  }

  private static String summarise(List<String> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigurationException needs at least one problem");
    }
    if (problems.size() == 1) {
      return "invalid configuration: " + problems.get(0);
    }
    StringBuilder sb = new StringBuilder("invalid configuration, ").append(problems.size()).append(" problems:");
    for (String p : problems) {
      sb.append("\n  - ").append(p);
    }
    return sb.toString();
  }
}
