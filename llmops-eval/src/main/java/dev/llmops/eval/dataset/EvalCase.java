package dev.llmops.eval.dataset;

import dev.llmops.api.Message;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One case of a golden dataset: what the candidate is asked (prompt variables and/or messages),
 * what a good answer looks like (an optional reference, expectations in the metadata), how it is
 * grouped (tags) and, where a person graded it, their label. Immutable and thread-safe.
 *
 * @param id the case's id, unique within its dataset
 * @param variables the prompt's template variables (values are strings, numbers, booleans, lists
 *     or maps), empty for a plain chat candidate
 * @param messages messages sent after the rendered prompt, or alone to a plain model candidate
 * @param reference a reference answer, or null
 * @param tags tags, in file order without repeats (a per-tag breakdown groups by them; a policy
 *     may treat one, such as {@code critical}, as a case that must never newly fail)
 * @param metadata further data evaluators read, for example expected keywords
 * @param humanLabel a person's grade of a good answer to this case ({@code pass}/{@code fail}, or
 *     any label set), used to calibrate an LLM judge; null when nobody graded it
 */
public record EvalCase(
    String id,
    Map<String, Object> variables,
    List<Message> messages,
    @Nullable String reference,
    List<String> tags,
    Map<String, Object> metadata,
    @Nullable String humanLabel) {

  /** Checks and copies the components. */
  public EvalCase {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("case id must not be blank");
    }
    variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    messages = List.copyOf(messages);
    tags = List.copyOf(new LinkedHashSet<>(tags));
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** A builder for a case with {@code id}. */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /** True if the case carries {@code tag}. */
  public boolean hasTag(String tag) {
    return tags.contains(tag);
  }

  /** The metadata value under {@code key} as text, or null when absent. */
  public @Nullable String metadataText(String key) {
    Object v = metadata.get(key);
    return v == null ? null : v.toString();
  }

  /**
   * The metadata value under {@code key} as a list of texts: a list's elements, a single value as
   * a list of one, absent as an empty list.
   */
  public List<String> metadataTexts(String key) {
    Object v = metadata.get(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof List<?> list) {
      List<String> out = new ArrayList<>(list.size());
      for (Object o : list) {
        out.add(String.valueOf(o));
      }
      return List.copyOf(out);
    }
    return List.of(v.toString());
  }

  /** Builds an {@link EvalCase}. Not thread-safe. */
  public static final class Builder {
    private final String id;
    private final Map<String, Object> variables = new LinkedHashMap<>();
    private final List<Message> messages = new ArrayList<>();
    private @Nullable String reference;
    private final List<String> tags = new ArrayList<>();
    private final Map<String, Object> metadata = new LinkedHashMap<>();
    private @Nullable String humanLabel;

    private Builder(String id) {
      this.id = Objects.requireNonNull(id, "id");
    }

    /** Adds a template variable. */
    public Builder variable(String name, Object value) {
      variables.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Adds a message. */
    public Builder message(Message message) {
      messages.add(Objects.requireNonNull(message, "message"));
      return this;
    }

    /** Sets the reference answer. */
    public Builder reference(String reference) {
      this.reference = Objects.requireNonNull(reference, "reference");
      return this;
    }

    /** Adds tags. */
    public Builder tags(String... tags) {
      for (String t : tags) {
        this.tags.add(Objects.requireNonNull(t, "tag"));
      }
      return this;
    }

    /** Adds a metadata entry. */
    public Builder metadata(String key, Object value) {
      metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Sets a person's label for the case. */
    public Builder humanLabel(String label) {
      this.humanLabel = Objects.requireNonNull(label, "label");
      return this;
    }

    /** Builds the case. */
    public EvalCase build() {
      return new EvalCase(id, variables, messages, reference, tags, metadata, humanLabel);
    }
  }
}
