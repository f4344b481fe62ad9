package dev.llmops.eval.dataset;

import dev.llmops.api.ConfigurationException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A dataset file is malformed: names the file, the line and the field (where known) of the first
 * problem. Not retryable.
 */
public final class DatasetFormatException extends ConfigurationException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final @Nullable String field;

  /**
   * Creates the exception.
   *
   * @param file the file (as given to the loader)
   * @param line the 1-based line, or 0 when unknown
   * @param field the field, for example {@code cases[3].tags}, or null
   * @param problem what is wrong
   */
  public DatasetFormatException(String file, int line, @Nullable String field, String problem) {
    super(describe(file, line, field, problem));
    this.file = Objects.requireNonNull(file, "file");
    this.line = line;
    this.field = field;
  }

  private static String describe(String file, int line, @Nullable String field, String problem) {
    StringBuilder sb = new StringBuilder(file);
    if (line > 0) {
      sb.append(':').append(line);
    }
    if (field != null) {
      sb.append(": field '").append(field).append('\'');
    }
    return sb.append(": ").append(problem).toString();
  }

  /** The file. */
  public String file() {
    return file;
  }

  /** The 1-based line, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** The field, or null. */
  public @Nullable String field() {
    return field;
  }
}
