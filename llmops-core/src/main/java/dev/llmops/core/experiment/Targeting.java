package dev.llmops.core.experiment;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an experiment sees of one subject when it assigns it ({@link Experiment#assign(Targeting)}):
 * the subject's attributes, saved groups, the values of flags that prerequisites test, variations
 * forced by the caller, QA mode, the page URL (for GrowthBook's query-string override) and the
 * sticky bucket store. It is GrowthBook's SDK context for one evaluation.
 *
 * <p>The EXPERIMENT step builds one per call from the call's {@link dev.llmops.api.CallContext}
 * (attributes {@code subject}, {@code tenant}, {@code feature}, {@code apiKeyId}, every tag) and
 * the {@link Experiments#ATTRIBUTES} the caller set, which win over the context's. Immutable and
 * thread-safe (the store is shared).
 */
public final class Targeting {
  private final Map<String, @Nullable Object> attributes;
  private final Map<String, List<?>> savedGroups;
  private final Map<String, @Nullable Object> flags;
  private final Map<String, Integer> forcedVariations;
  private final boolean qaMode;
  private final @Nullable String url;
  private final StickyBucketStore stickyBuckets;

  private Targeting(Builder b) {
    this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(b.attributes));
    this.savedGroups = Map.copyOf(b.savedGroups);
    this.flags = Collections.unmodifiableMap(new LinkedHashMap<>(b.flags));
    this.forcedVariations = Map.copyOf(b.forcedVariations);
    this.qaMode = b.qaMode;
    this.url = b.url;
    this.stickyBuckets = b.stickyBuckets;
  }

  /** A targeting context with these attributes and nothing else. */
  public static Targeting of(Map<String, ?> attributes) {
    return builder().attributes(attributes).build();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The subject's attributes (JSON values). */
  public Map<String, @Nullable Object> attributes() {
    return attributes;
  }

  /** Saved groups for {@code $inGroup} and {@code $notInGroup}: group id to members. */
  public Map<String, List<?>> savedGroups() {
    return savedGroups;
  }

  /** Values of other flags, for {@link Experiment.Prerequisite}s; a missing flag has value null. */
  public Map<String, @Nullable Object> flags() {
    return flags;
  }

  /** Variations forced by the caller: experiment key to variant index. */
  public Map<String, Integer> forcedVariations() {
    return forcedVariations;
  }

  /** Whether QA mode is on: nobody is enrolled unless forced. */
  public boolean qaMode() {
    return qaMode;
  }

  /** The page URL whose query string may force a variation ({@code ?<experimentKey>=<index>}), or null. */
  public @Nullable String url() {
    return url;
  }

  /** Where sticky bucket assignments are kept ({@link StickyBucketStore#noop()}: sticky bucketing off). */
  public StickyBucketStore stickyBuckets() {
    return stickyBuckets;
  }

  /** The attribute {@code name}'s value as GrowthBook hashes it, or null when missing or falsy. */
  @Nullable String hashValue(String name) {
    Object v = attributes.get(name);
    return JsValues.truthy(v) ? JsValues.string(v) : null;
  }

  @Override
  public String toString() {
    // Attribute values may identify a person: names only.
    return "Targeting[attributes=" + attributes.keySet() + ", qaMode=" + qaMode + "]";
  }

  /** Builds a {@link Targeting}. Setters reject nulls at once. Not thread-safe. */
  public static final class Builder {
    private final Map<String, @Nullable Object> attributes = new LinkedHashMap<>();
    private final Map<String, List<?>> savedGroups = new LinkedHashMap<>();
    private final Map<String, @Nullable Object> flags = new LinkedHashMap<>();
    private final Map<String, Integer> forcedVariations = new LinkedHashMap<>();
    private boolean qaMode;
    private @Nullable String url;
    private StickyBucketStore stickyBuckets = StickyBucketStore.noop();

    private Builder() {}

    /** Adds attributes (JSON values); later ones replace earlier ones of the same name. */
    public Builder attributes(Map<String, ?> attributes) {
      Objects.requireNonNull(attributes, "attributes").forEach(this::attribute);
      return this;
    }

    /** Sets one attribute (a JSON value). */
    public Builder attribute(String name, @Nullable Object value) {
      attributes.put(Objects.requireNonNull(name, "name"), JsValues.freeze(value, "attributes." + name));
      return this;
    }

    /** Adds saved groups: group id to members. */
    public Builder savedGroups(Map<String, ? extends List<?>> groups) {
      Objects.requireNonNull(groups, "groups").forEach((id, members) -> savedGroups.put(
          Objects.requireNonNull(id, "group id"),
          (List<?>) Objects.requireNonNull(JsValues.freeze(members, "savedGroups." + id))));
      return this;
    }

    /** Sets the value of flag {@code id}, for prerequisites. */
    public Builder flag(String id, @Nullable Object value) {
      flags.put(Objects.requireNonNull(id, "id"), JsValues.freeze(value, "flags." + id));
      return this;
    }

    /** Forces experiment {@code experimentKey} to the variant at {@code index}. */
    public Builder forceVariation(String experimentKey, int index) {
      forcedVariations.put(Objects.requireNonNull(experimentKey, "experimentKey"), index);
      return this;
    }

    /** Turns QA mode on or off (default off). */
    public Builder qaMode(boolean qaMode) {
      this.qaMode = qaMode;
      return this;
    }

    /** Sets the page URL whose query string may force a variation. */
    public Builder url(String url) {
      this.url = Objects.requireNonNull(url, "url");
      return this;
    }

    /** Sets the sticky bucket store (default {@link StickyBucketStore#noop()}). */
    public Builder stickyBuckets(StickyBucketStore store) {
      this.stickyBuckets = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Builds the context. */
    public Targeting build() {
      return new Targeting(this);
    }
  }
}
