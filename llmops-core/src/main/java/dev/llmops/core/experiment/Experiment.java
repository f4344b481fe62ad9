package dev.llmops.core.experiment;

import dev.llmops.api.CallInfo;
import dev.llmops.api.ConfigurationException;
import dev.llmops.core.experiment.shadow.Shadow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One experiment: variants with weights and coverage, an optional namespace slice, a status, the
 * calls it applies to, forced variants, an override, a canary ramp and shadow traffic. Assignment
 * ({@link #assign}) is a pure function of the key (or seed), the subject, the weights, the
 * coverage and the hash version, and agrees with GrowthBook's SDKs.
 *
 * <h2>Which calls it applies to</h2>
 *
 * A call matches when every selector the experiment sets matches: {@link Builder#prompt} (the
 * name of the call's {@link dev.llmops.api.PromptRef}) and {@link Builder#feature} (the {@link
 * dev.llmops.api.CallContext#feature()}). An experiment with neither selector matches every call.
 * A call that names an experiment with the {@link Experiments#EXPERIMENT} attribute is matched to
 * that experiment only, whatever its selectors.
 *
 * <h2>The subject</h2>
 *
 * The value hashed is, by {@link Builder#hashAttribute}: {@code subject} (the default, {@link
 * dev.llmops.api.CallContext#subject()}), {@code tenant}, {@code apiKeyId}, or else the context tag
 * of that name. A call without that value is not in the experiment (GrowthBook's rule for an
 * empty hash attribute) and gets the control variant's settings without an exposure.
 *
 * <p>Immutable and thread-safe. {@link Experiments} swaps in a new instance when weights, status,
 * override or ramp change at run time.
 */
public final class Experiment {
  private final String key;
  private final List<Variant> variants;
  private final List<Double> weights;
  private final double coverage;
  private final @Nullable Namespace namespace;
  private final String seed;
  private final int hashVersion;
  private final Status status;
  private final String hashAttribute;
  private final @Nullable String prompt;
  private final @Nullable String feature;
  private final Map<String, String> forced;
  private final @Nullable String override;
  private final @Nullable Ramp ramp;
  private final int rampStep;
  private final @Nullable Shadow shadow;
  private final @Nullable Condition condition;
  private final List<Prerequisite> prerequisites;
  private final List<BucketFilter> filters;
  private final @Nullable List<BucketRange> explicitRanges;
  private final @Nullable String fallbackAttribute;
  private final int bucketVersion;
  private final int minBucketVersion;
  private final boolean stickyBucketing;
  private final @Nullable String enrolledVariant;

  // Derived, for the hot path.
  private final double[] ranges;
  private final HashMap<String, Integer> forcedIndex;
  private final int overrideIndex;
  private final int shadowIndex;
  private final String shadowSeed;

  private Experiment(Builder b, List<Double> weights) {
    this.key = b.key;
    this.variants = List.copyOf(b.variants);
    this.weights = List.copyOf(weights);
    this.coverage = b.coverage;
    this.namespace = b.namespace;
    this.seed = b.seed == null || b.seed.isEmpty() ? b.key : b.seed;
    this.hashVersion = b.hashVersion;
    this.status = b.status;
    this.hashAttribute = b.hashAttribute;
    this.prompt = b.prompt;
    this.feature = b.feature;
    this.forced = Collections.unmodifiableMap(new LinkedHashMap<>(b.forced));
    this.override = b.override;
    this.ramp = b.ramp;
    this.rampStep = b.rampStep;
    this.shadow = b.shadow;
    this.condition = b.condition;
    this.prerequisites = List.copyOf(b.prerequisites);
    this.filters = List.copyOf(b.filters);
    this.explicitRanges = b.explicitRanges == null ? null : List.copyOf(b.explicitRanges);
    this.fallbackAttribute = b.fallbackAttribute;
    this.bucketVersion = b.bucketVersion;
    this.minBucketVersion = b.minBucketVersion;
    this.stickyBucketing = b.stickyBucketing;
    this.enrolledVariant = b.enrolledVariant;
    double[] w = new double[this.weights.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = this.weights.get(i);
    }
    this.ranges = explicitRanges != null ? flat(explicitRanges) : GrowthBook.ranges(variants.size(), coverage, w, w.length);
    this.forcedIndex = new HashMap<>();
    forced.forEach((subject, variant) -> forcedIndex.put(subject, indexOf(variant)));
    this.overrideIndex = override == null ? -1 : indexOf(override);
    this.shadowIndex = shadow == null ? -1 : indexOf(shadow.variant());
    this.shadowSeed = "__shadow__" + key;
  }

  /** A new builder for the experiment {@code key}. */
  public static Builder builder(String key) {
    return new Builder(key);
  }

  /** A builder starting from this experiment. */
  public Builder toBuilder() {
    Builder b = new Builder(key);
    b.variants.addAll(variants);
    b.weights = ramp == null ? new ArrayList<>(weights) : null;
    b.coverage = coverage;
    b.namespace = namespace;
    b.seed = seed.equals(key) ? null : seed;
    b.hashVersion = hashVersion;
    b.status = status;
    b.hashAttribute = hashAttribute;
    b.prompt = prompt;
    b.feature = feature;
    b.forced.putAll(forced);
    b.override = override;
    b.ramp = ramp;
    b.rampStep = rampStep;
    b.shadow = shadow;
    b.condition = condition;
    b.prerequisites.addAll(prerequisites);
    b.filters.addAll(filters);
    b.explicitRanges = explicitRanges;
    b.fallbackAttribute = fallbackAttribute;
    b.bucketVersion = bucketVersion;
    b.minBucketVersion = minBucketVersion;
    b.stickyBucketing = stickyBucketing;
    b.enrolledVariant = enrolledVariant;
    return b;
  }

  private static double[] flat(List<BucketRange> list) {
    double[] out = new double[2 * list.size()];
    for (int i = 0; i < list.size(); i++) {
      out[2 * i] = list.get(i).start();
      out[2 * i + 1] = list.get(i).end();
    }
    return out;
  }

  /** The experiment's key. */
  public String key() {
    return key;
  }

  /** The variants; index 0 is control. */
  public List<Variant> variants() {
    return variants;
  }

  /** The weights in force, one per variant (equal weights unless set; derived from the ramp if any). */
  public List<Double> weights() {
    return weights;
  }

  /** The share of subjects enrolled, in {@code [0, 1]} (default 1). */
  public double coverage() {
    return coverage;
  }

  /** The namespace slice, if any. */
  public @Nullable Namespace namespace() {
    return namespace;
  }

  /** The hash seed (the key unless set). */
  public String seed() {
    return seed;
  }

  /** The GrowthBook hash version, 1 (default) or 2. */
  public int hashVersion() {
    return hashVersion;
  }

  /** The status (default {@link Status#RUNNING}). */
  public Status status() {
    return status;
  }

  /** What is hashed: {@code subject} (default), {@code tenant}, {@code apiKeyId} or a tag name. */
  public String hashAttribute() {
    return hashAttribute;
  }

  /** The prompt name this experiment applies to, or null for any. */
  public @Nullable String prompt() {
    return prompt;
  }

  /** The feature this experiment applies to, or null for any. */
  public @Nullable String feature() {
    return feature;
  }

  /** Forced variants: subject to variant key. */
  public Map<String, String> forced() {
    return forced;
  }

  /** The variant every call is sent to (an incident switch), or null. */
  public @Nullable String override() {
    return override;
  }

  /** The canary ramp, or null. */
  public @Nullable Ramp ramp() {
    return ramp;
  }

  /** The ramp's current step index, or -1 when rolled back (canary weight 0). */
  public int rampStep() {
    return rampStep;
  }

  /** Shadow traffic, or null. */
  public @Nullable Shadow shadow() {
    return shadow;
  }

  /** The targeting condition, or null when every subject may enter. */
  public @Nullable Condition condition() {
    return condition;
  }

  /** Prerequisites on other flags, all of which must hold. */
  public List<Prerequisite> prerequisites() {
    return prerequisites;
  }

  /** GrowthBook filters (when set, the namespace is ignored). */
  public List<BucketFilter> filters() {
    return filters;
  }

  /** The attribute hashed when the hash attribute is missing (only with sticky bucketing), or null. */
  public @Nullable String fallbackAttribute() {
    return fallbackAttribute;
  }

  /** The sticky bucket version (default 0); raising it lets every subject be hashed afresh. */
  public int bucketVersion() {
    return bucketVersion;
  }

  /** Subjects with a sticky bucket of a version below this one are kept out (default 0: none). */
  public int minBucketVersion() {
    return minBucketVersion;
  }

  /** Whether sticky bucketing applies, when the targeting context has a store (default true). */
  public boolean stickyBucketing() {
    return stickyBucketing;
  }

  /** The variant every enrolled subject gets (GrowthBook's {@code force}), or null. */
  public @Nullable String enrolledVariant() {
    return enrolledVariant;
  }

  /**
   * Whether assigning needs a {@link Targeting} built from the call: a condition, prerequisites,
   * filters, a fallback attribute, or sticky bucketing with a store.
   */
  boolean targeted(boolean stickyStore) {
    return condition != null || !prerequisites.isEmpty() || !filters.isEmpty() || fallbackAttribute != null
        || enrolledVariant != null || (stickyStore && stickyBucketing);
  }

  /** The bucket ranges in force, one per variant. */
  public List<BucketRange> bucketRanges() {
    List<BucketRange> out = new ArrayList<>(variants.size());
    for (int i = 0; i < ranges.length; i += 2) {
      out.add(new BucketRange(ranges[i], ranges[i + 1]));
    }
    return List.copyOf(out);
  }

  /**
   * Assigns {@code subject} (the value of the hash attribute): the kill switch, then the override,
   * then forced variants, then the namespace, then GrowthBook hashing over the bucket ranges.
   *
   * @param subject the hashed value, or null when the call has none
   * @return the assignment, or null when the subject is not in the experiment (stopped, no
   *     subject, outside the namespace, cut by coverage)
   */
  public @Nullable Assignment assign(@Nullable String subject) {
    return assign(subject, null, null);
  }

  /**
   * Assigns one subject with GrowthBook's full algorithm (the {@code run} and {@code stickyBucket}
   * sections of its conformance file pass case by case), plus llmops' operator levers, in this
   * order:
   *
   * <ol>
   *   <li>the kill switch (control for everyone; it always wins);
   *   <li>a query-string override in {@link Targeting#url()}, then {@link
   *       Targeting#forcedVariations()} (reason {@link Assignment.Reason#FORCED});
   *   <li>stopped: nobody; the override ({@link Builder#override}) sends everyone to one variant;
   *   <li>the hash value: the hash attribute, else (with sticky bucketing) the fallback attribute;
   *       none: not in the experiment; forced subjects ({@link Builder#force}) and the {@link
   *       VariantSource};
   *   <li>a sticky bucket for {@code "<key>__<bucketVersion>"} (a bucket of a version below {@link
   *       #minBucketVersion()} keeps the subject out);
   *   <li>without a sticky bucket: filters (else the namespace), the condition, prerequisites;
   *   <li>the hash and the bucket ranges; cut by coverage: out;
   *   <li>the enrolled variant, if any; QA mode: out;
   *   <li>the assignment, remembered in the sticky bucket store when it changed the document.
   * </ol>
   *
   * @return the assignment, or null when the subject is not in the experiment
   */
  public @Nullable Assignment assign(Targeting targeting) {
    return assign(targeting, null, null);
  }

  @Nullable Assignment assign(Targeting t, @Nullable VariantSource source, @Nullable CallInfo call) {
    if (status == Status.KILLED) {
      return assignment(0, Assignment.Reason.KILLED, Double.NaN);
    }
    String url = t.url();
    int fromQuery = url == null ? -1 : GrowthBook.queryStringOverride(key, url, variants.size());
    if (fromQuery >= 0) {
      return assignment(fromQuery, Assignment.Reason.FORCED, Double.NaN);
    }
    Integer forcedByContext = t.forcedVariations().get(key);
    if (forcedByContext != null) {
      int i = forcedByContext;
      return i >= 0 && i < variants.size() ? assignment(i, Assignment.Reason.FORCED, Double.NaN) : null;
    }
    if (status == Status.STOPPED) {
      return null;
    }
    if (overrideIndex >= 0) {
      return assignment(overrideIndex, Assignment.Reason.OVERRIDE, Double.NaN);
    }
    StickyBucketStore store = t.stickyBuckets();
    boolean sticky = stickyBucketing && store.enabled();
    String hashAttr = hashAttribute;
    String value = t.hashValue(hashAttr);
    if (value == null && sticky && fallbackAttribute != null) {
      value = t.hashValue(fallbackAttribute);
      if (value != null) {
        hashAttr = fallbackAttribute;
      }
    }
    if (value == null) {
      return null;
    }
    Integer forcedTo = forcedIndex.get(value);
    if (forcedTo != null) {
      return assignment(forcedTo, Assignment.Reason.FORCED, Double.NaN);
    }
    if (source != null && call != null) {
      String chosen = source.variant(this, value, call);
      int index = chosen == null ? -1 : indexOf(chosen);
      if (index >= 0) {
        return assignment(index, Assignment.Reason.SOURCE, Double.NaN);
      }
    }
    int stuck = -1;
    if (sticky) {
      Map<String, String> remembered = remembered(t, store);
      for (int v = 0; v < minBucketVersion; v++) {
        if (remembered.containsKey(key + "__" + v)) {
          return null; // a blocked bucket version keeps the subject out
        }
      }
      String variantKey = remembered.get(key + "__" + bucketVersion);
      stuck = variantKey == null ? -1 : indexOf(variantKey);
    }
    if (stuck < 0 && !eligible(t, value)) {
      return null;
    }
    double n = GrowthBook.hash(seed, value, hashVersion);
    if (Double.isNaN(n)) {
      return null;
    }
    int index = stuck >= 0 ? stuck : GrowthBook.choose(n, ranges);
    if (index < 0) {
      return null;
    }
    if (enrolledVariant != null) {
      return assignment(indexOf(enrolledVariant), Assignment.Reason.ENROLLED, Double.NaN);
    }
    if (t.qaMode()) {
      return null;
    }
    Assignment a = new Assignment(key, variants.get(index).key(), index,
        stuck >= 0 ? Assignment.Reason.STICKY : Assignment.Reason.HASHED, n, hashAttr);
    if (sticky) {
      remember(store, hashAttr, value, variants.get(index).key());
    }
    return a;
  }

  /** The sticky assignments of the subject: the fallback attribute's document, overlaid by the hash attribute's. */
  private Map<String, String> remembered(Targeting t, StickyBucketStore store) {
    String own = t.hashValue(hashAttribute);
    Map<String, String> main = own == null ? Map.of() : store.assignments(hashAttribute, own);
    String fb = fallbackAttribute == null ? null : t.hashValue(fallbackAttribute);
    if (fb == null) {
      return main;
    }
    Map<String, String> merged = new HashMap<>(store.assignments(Objects.requireNonNull(fallbackAttribute), fb));
    merged.putAll(main);
    return merged;
  }

  private void remember(StickyBucketStore store, String attribute, String value, String variantKey) {
    Map<String, String> doc = store.assignments(attribute, value);
    String entry = key + "__" + bucketVersion;
    if (variantKey.equals(doc.get(entry))) {
      return;
    }
    Map<String, String> next = new LinkedHashMap<>(doc);
    next.put(entry, variantKey);
    store.save(attribute, value, next);
  }

  /** Filters (else the namespace), the condition and the prerequisites. */
  private boolean eligible(Targeting t, String value) {
    if (!filters.isEmpty()) {
      for (BucketFilter f : filters) {
        String v = t.hashValue(f.attribute());
        if (v == null || !f.passes(v)) {
          return false;
        }
      }
    } else {
      Namespace ns = namespace;
      if (ns != null && !GrowthBook.inNamespace(value, ns)) {
        return false;
      }
    }
    Condition c = condition;
    if (c != null && !c.test(t.attributes(), t.savedGroups())) {
      return false;
    }
    for (Prerequisite p : prerequisites) {
      Map<String, @Nullable Object> flag = new HashMap<>();
      flag.put("value", t.flags().get(p.flag()));
      if (!p.condition().test(flag, t.savedGroups())) {
        return false;
      }
    }
    return true;
  }

  @Nullable Assignment assign(@Nullable String subject, @Nullable VariantSource source, @Nullable CallInfo call) {
    if (status == Status.STOPPED) {
      return null;
    }
    if (status == Status.KILLED) {
      return assignment(0, Assignment.Reason.KILLED, Double.NaN);
    }
    if (overrideIndex >= 0) {
      return assignment(overrideIndex, Assignment.Reason.OVERRIDE, Double.NaN);
    }
    if (subject == null || subject.isEmpty()) {
      return null;
    }
    Integer forcedTo = forcedIndex.get(subject);
    if (forcedTo != null) {
      return assignment(forcedTo, Assignment.Reason.FORCED, Double.NaN);
    }
    if (source != null && call != null) {
      String chosen = source.variant(this, subject, call);
      int index = chosen == null ? -1 : indexOf(chosen);
      if (index >= 0) {
        return assignment(index, Assignment.Reason.SOURCE, Double.NaN);
      }
    }
    Namespace ns = namespace;
    if (ns != null && !GrowthBook.inNamespace(subject, ns)) {
      return null;
    }
    double n = GrowthBook.hash(seed, subject, hashVersion);
    if (Double.isNaN(n)) {
      return null;
    }
    int index = GrowthBook.choose(n, ranges);
    return index < 0 ? null : assignment(index, Assignment.Reason.HASHED, n);
  }

  private Assignment assignment(int index, Assignment.Reason reason, double bucket) {
    return new Assignment(key, variants.get(index).key(), index, reason, bucket);
  }

  /** The position of the variant {@code variantKey}, or -1. */
  int indexOf(String variantKey) {
    for (int i = 0; i < variants.size(); i++) {
      if (variants.get(i).key().equals(variantKey)) {
        return i;
      }
    }
    return -1;
  }

  /** The shadow variant's position, or -1. */
  int shadowIndex() {
    return shadowIndex;
  }

  /**
   * Whether the call {@code callId} is sampled for shadow traffic: a version-2 hash of the call id
   * (seed {@code "__shadow__" + key}) below the shadow fraction. Deterministic, so a test or a replay
   * sees the same sample.
   */
  boolean sampledForShadow(String callId) {
    Shadow s = shadow;
    return s != null && s.fraction() > 0 && GrowthBook.hash(shadowSeed, callId, 2) < s.fraction();
  }

  /** Whether the selectors match a call for {@code promptName} and {@code callFeature}. */
  boolean matches(@Nullable String promptName, @Nullable String callFeature) {
    return (prompt == null || prompt.equals(promptName)) && (feature == null || feature.equals(callFeature));
  }

  @Override
  public String toString() {
    return "Experiment[" + key + ", " + status + ", variants=" + variants.size() + ", weights=" + weights + "]";
  }

  /**
   * Builds an {@link Experiment}. Setters reject nulls at once; {@link #build()} checks everything
   * else and reports every problem, each naming the experiment and the field. Not thread-safe.
   */
  public static final class Builder {
    private final String key;
    private final List<Variant> variants = new ArrayList<>();
    private @Nullable List<Double> weights;
    private double coverage = 1;
    private @Nullable Namespace namespace;
    private @Nullable String seed;
    private int hashVersion = 1;
    private Status status = Status.RUNNING;
    private String hashAttribute = "subject";
    private @Nullable String prompt;
    private @Nullable String feature;
    private final Map<String, String> forced = new LinkedHashMap<>();
    private @Nullable String override;
    private @Nullable Ramp ramp;
    private int rampStep;
    private @Nullable Shadow shadow;
    private @Nullable Condition condition;
    private final List<Prerequisite> prerequisites = new ArrayList<>();
    private final List<BucketFilter> filters = new ArrayList<>();
    private @Nullable List<BucketRange> explicitRanges;
    private @Nullable String fallbackAttribute;
    private int bucketVersion;
    private int minBucketVersion;
    private boolean stickyBucketing = true;
    private @Nullable String enrolledVariant;

    private Builder(String key) {
      this.key = Objects.requireNonNull(key, "key");
    }

    /** Adds a variant; the first one added is control. */
    public Builder variant(Variant variant) {
      variants.add(Objects.requireNonNull(variant, "variant"));
      return this;
    }

    /** Adds variants in order. */
    public Builder variants(List<Variant> variants) {
      variants.forEach(this::variant);
      return this;
    }

    /** Sets the weights, one per variant, summing to 1 (default: equal weights). */
    public Builder weights(List<Double> weights) {
      this.weights = new ArrayList<>(Objects.requireNonNull(weights, "weights"));
      return this;
    }

    /** Sets the weights, one per variant, summing to 1 (default: equal weights). */
    public Builder weights(double... weights) {
      List<Double> list = new ArrayList<>(weights.length);
      for (double w : weights) {
        list.add(w);
      }
      return weights(list);
    }

    /** Sets the share of subjects enrolled, in {@code [0, 1]} (default 1). */
    public Builder coverage(double coverage) {
      this.coverage = coverage;
      return this;
    }

    /** Restricts the experiment to a namespace slice (mutual exclusion with other experiments). */
    public Builder namespace(Namespace namespace) {
      this.namespace = Objects.requireNonNull(namespace, "namespace");
      return this;
    }

    /** Sets the hash seed (default: the key). */
    public Builder seed(String seed) {
      this.seed = Objects.requireNonNull(seed, "seed");
      return this;
    }

    /** Sets the GrowthBook hash version, 1 (default) or 2. */
    public Builder hashVersion(int hashVersion) {
      this.hashVersion = hashVersion;
      return this;
    }

    /** Sets the status (default {@link Status#RUNNING}). */
    public Builder status(Status status) {
      this.status = Objects.requireNonNull(status, "status");
      return this;
    }

    /** Sets what is hashed: {@code subject} (default), {@code tenant}, {@code apiKeyId} or a tag name. */
    public Builder hashAttribute(String hashAttribute) {
      this.hashAttribute = Objects.requireNonNull(hashAttribute, "hashAttribute");
      return this;
    }

    /** Applies the experiment only to calls rendering the prompt {@code name}. */
    public Builder prompt(String name) {
      this.prompt = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Applies the experiment only to calls whose context names {@code feature}. */
    public Builder feature(String feature) {
      this.feature = Objects.requireNonNull(feature, "feature");
      return this;
    }

    /** Forces {@code subject} to {@code variant} (for QA). */
    public Builder force(String subject, String variant) {
      forced.put(Objects.requireNonNull(subject, "subject"), Objects.requireNonNull(variant, "variant"));
      return this;
    }

    /** Releases {@code subject} from its forced variant, if it had one. */
    Builder unforce(String subject) {
      forced.remove(Objects.requireNonNull(subject, "subject"));
      return this;
    }

    /** Sends every call to {@code variant} (an incident switch); null clears it. */
    public Builder override(@Nullable String variant) {
      this.override = variant;
      return this;
    }

    /** Ramps a canary variant through weight steps, starting at the first; the ramp sets the weights. */
    public Builder ramp(Ramp ramp) {
      this.ramp = Objects.requireNonNull(ramp, "ramp");
      this.rampStep = 0;
      return this;
    }

    /** Copies a sampled fraction of calls to a candidate variant. */
    public Builder shadow(Shadow shadow) {
      this.shadow = Objects.requireNonNull(shadow, "shadow");
      return this;
    }

    /** Enrols only subjects whose attributes pass {@code condition} (targeting). */
    public Builder condition(Condition condition) {
      this.condition = Objects.requireNonNull(condition, "condition");
      return this;
    }

    /** Enrols only subjects for whom {@code prerequisite} holds; all prerequisites must hold. */
    public Builder prerequisite(Prerequisite prerequisite) {
      prerequisites.add(Objects.requireNonNull(prerequisite, "prerequisite"));
      return this;
    }

    /** Adds a GrowthBook filter; with filters, the namespace is ignored. */
    public Builder filter(BucketFilter filter) {
      filters.add(Objects.requireNonNull(filter, "filter"));
      return this;
    }

    /**
     * Sets explicit bucket ranges, one per variant, which replace coverage and weights (GrowthBook's
     * {@code ranges}); not allowed with a ramp.
     */
    public Builder ranges(List<BucketRange> ranges) {
      this.explicitRanges = List.copyOf(Objects.requireNonNull(ranges, "ranges"));
      return this;
    }

    /** Hashes this attribute when the hash attribute is missing, with sticky bucketing only. */
    public Builder fallbackAttribute(String attribute) {
      this.fallbackAttribute = Objects.requireNonNull(attribute, "attribute");
      return this;
    }

    /** Sets the sticky bucket version, {@code >= 0} (default 0); raising it re-buckets everyone. */
    public Builder bucketVersion(int version) {
      if (version < 0) {
        throw new IllegalArgumentException("bucketVersion must be >= 0 but was " + version);
      }
      this.bucketVersion = version;
      return this;
    }

    /** Keeps out subjects with a sticky bucket of a lower version, {@code >= 0} (default 0). */
    public Builder minBucketVersion(int version) {
      if (version < 0) {
        throw new IllegalArgumentException("minBucketVersion must be >= 0 but was " + version);
      }
      this.minBucketVersion = version;
      return this;
    }

    /** Turns sticky bucketing off for this experiment, or back on (default on when a store is set). */
    public Builder stickyBucketing(boolean on) {
      this.stickyBucketing = on;
      return this;
    }

    /**
     * Sends every subject that passes targeting and coverage to {@code variant} (GrowthBook's
     * {@code force}: a staged rollout of one variant); null clears it.
     */
    public Builder enrolledVariant(@Nullable String variant) {
      this.enrolledVariant = variant;
      return this;
    }

    /** Drops the ramp, so that weights can be set by hand. */
    Builder clearRamp() {
      this.ramp = null;
      this.rampStep = 0;
      return this;
    }

    Builder rampStep(int step) {
      this.rampStep = step;
      return this;
    }

    /**
     * Builds the experiment.
     *
     * @throws ConfigurationException listing every problem, each naming the experiment and field
     */
    public Experiment build() {
      List<String> problems = new ArrayList<>();
      String where = "experiment '" + key + "'";
      if (key.isBlank()) {
        problems.add("experiment key must not be blank");
      }
      if (variants.size() < 2) {
        problems.add(where + ": variants: needs at least 2 variants but has " + variants.size());
      }
      Set<String> names = new HashSet<>();
      for (Variant v : variants) {
        if (!names.add(v.key())) {
          problems.add(where + ": variants: duplicate variant key '" + v.key() + "'");
        }
      }
      if (!(coverage >= 0 && coverage <= 1)) {
        problems.add(where + ": coverage: must be in [0, 1] but was " + coverage);
      }
      if (hashVersion != 1 && hashVersion != 2) {
        problems.add(where + ": hashVersion: must be 1 or 2 but was " + hashVersion);
      }
      if (hashAttribute.isBlank()) {
        problems.add(where + ": hashAttribute: must not be blank");
      }
      Namespace ns = namespace;
      if (ns != null && !(ns.start() >= 0 && ns.start() <= ns.end() && ns.end() <= 1)) {
        problems.add(where + ": namespace: range must satisfy 0 <= start <= end <= 1 but was ["
            + ns.start() + ", " + ns.end() + ")");
      }
      forced.forEach((subject, variant) -> {
        if (!names.contains(variant)) {
          problems.add(where + ": forced: subject is forced to unknown variant '" + variant + "'; variants are " + names);
        }
      });
      if (override != null && !names.contains(override)) {
        problems.add(where + ": override: unknown variant '" + override + "'; variants are " + names);
      }
      Shadow sh = shadow;
      if (sh != null) {
        if (!names.contains(sh.variant())) {
          problems.add(where + ": shadow.variant: unknown variant '" + sh.variant() + "'; variants are " + names);
        }
        if (!(sh.fraction() >= 0 && sh.fraction() <= 1)) {
          problems.add(where + ": shadow.fraction: must be in [0, 1] but was " + sh.fraction());
        }
      }
      if (enrolledVariant != null && !names.contains(enrolledVariant)) {
        problems.add(where + ": enrolledVariant: unknown variant '" + enrolledVariant + "'; variants are " + names);
      }
      if (minBucketVersion > bucketVersion) {
        problems.add(where + ": minBucketVersion: " + minBucketVersion + " is above bucketVersion " + bucketVersion);
      }
      List<BucketRange> er = explicitRanges;
      if (er != null) {
        if (er.size() != variants.size()) {
          problems.add(where + ": ranges: has " + er.size() + " ranges for " + variants.size() + " variants");
        }
        if (ramp != null) {
          problems.add(where + ": ranges: not allowed with a ramp (the ramp sets the weights)");
        }
        for (int i = 0; i < er.size(); i++) {
          BucketRange r = er.get(i);
          if (!(r.start() >= 0 && r.start() <= r.end() && r.end() <= 1)) {
            problems.add(where + ": ranges[" + i + "]: must satisfy 0 <= start <= end <= 1 but was ["
                + r.start() + ", " + r.end() + ")");
          }
        }
      }
      List<Double> effective = effectiveWeights(where, problems, names);
      if (!problems.isEmpty()) {
        throw new ConfigurationException(problems);
      }
      return new Experiment(this, effective);
    }

    private List<Double> effectiveWeights(String where, List<String> problems, Set<String> names) {
      Ramp r = ramp;
      if (r != null) {
        if (weights != null) {
          problems.add(where + ": weights: not allowed with a ramp (the ramp sets the weights)");
        }
        if (!names.contains(r.variant())) {
          problems.add(where + ": ramp.variant: unknown variant '" + r.variant() + "'; variants are " + names);
          return List.of();
        }
        if (r.steps().isEmpty()) {
          problems.add(where + ": ramp.steps: needs at least one step");
          return List.of();
        }
        double previous = 0;
        for (int i = 0; i < r.steps().size(); i++) {
          double s = r.steps().get(i);
          if (!(s > previous && s <= 1)) {
            problems.add(where + ": ramp.steps[" + i + "]: steps must increase strictly within (0, 1] but was " + s);
          }
          previous = s;
        }
        if (rampStep < -1 || rampStep >= r.steps().size()) {
          problems.add(where + ": ramp step " + rampStep + " is outside the ramp's " + r.steps().size() + " steps");
          return List.of();
        }
        return rampWeights(r, rampStep);
      }
      if (weights == null) {
        return GrowthBook.equalWeights(variants.size());
      }
      List<Double> w = weights;
      if (w.size() != variants.size()) {
        problems.add(where + ": weights: has " + w.size() + " weights for " + variants.size() + " variants");
        return w;
      }
      double sum = 0;
      for (int i = 0; i < w.size(); i++) {
        double x = w.get(i);
        if (!(x >= 0 && x <= 1)) {
          problems.add(where + ": weights[" + i + "]: must be in [0, 1] but was " + x);
        }
        sum += x;
      }
      if (!(Math.abs(sum - 1) <= 1e-6)) {
        problems.add(where + ": weights: must sum to 1 but sum to " + sum);
      }
      return w;
    }

    private List<Double> rampWeights(Ramp r, int step) {
      double canary = step < 0 ? 0 : r.steps().get(step);
      double rest = (1 - canary) / (variants.size() - 1);
      List<Double> out = new ArrayList<>(variants.size());
      for (Variant v : variants) {
        out.add(v.key().equals(r.variant()) ? canary : rest);
      }
      return out;
    }
  }

  /**
   * A half-open bucket range {@code [start, end)} of one variation, within {@code [0, 1]}. Immutable.
   *
   * @param start the first bucket in the range
   * @param end the first bucket after the range; equal to {@code start} for an empty range
   */
  public record BucketRange(double start, double end) {

    /** Whether bucket {@code n} falls in this range. */
    public boolean contains(double n) {
      return n >= start && n < end;
    }
  }

  /**
   * A slice {@code [start, end)} of a GrowthBook namespace: experiments in one namespace whose slices
   * do not overlap never share a subject. A subject's place in a namespace depends only on the
   * subject and the namespace id. Immutable.
   *
   * @param id the namespace id
   * @param start the first bucket of the slice, in {@code [0, 1]}
   * @param end the first bucket after the slice, in {@code [start, 1]}
   */
  public record Namespace(String id, double start, double end) {

    /** Checks the id. Range checks are the experiment builder's, so it can name the experiment. */
    public Namespace {
      Objects.requireNonNull(id, "id");
    }
  }

  /**
   * A prerequisite on another flag (GrowthBook's {@code parentConditions}): the subject is in the
   * experiment only if {@code condition} holds for {@code {"value": <the flag's value>}}, the
   * flag's value coming from {@link Targeting#flags()}. Immutable.
   *
   * @param flag the flag's id
   * @param condition the condition on {@code value}
   */
  public record Prerequisite(String flag, Condition condition) {

    /** Checks the components. */
    public Prerequisite {
      Objects.requireNonNull(flag, "flag");
      Objects.requireNonNull(condition, "condition");
    }
  }

  /**
   * A canary ramp: the weight of one variant rises through {@code steps} as an operator (or a
   * monitor such as {@code llmops-eval}'s {@code GuardedRollout}) calls {@link
   * Experiments#advanceRamp}; the other variants share the rest equally.
   * Put the canary variant last: GrowthBook ranges then grow downward from 1, so a subject that got
   * the canary keeps it at every later step. Immutable.
   *
   * @param variant the canary variant's key
   * @param steps the canary's weights, strictly increasing, each in {@code (0, 1]}
   */
  public record Ramp(String variant, List<Double> steps) {

    /** Checks for nulls and copies the steps; ranges are checked by the experiment builder. */
    public Ramp {
      Objects.requireNonNull(variant, "variant");
      steps = List.copyOf(steps);
    }
  }

  /**
   * A GrowthBook filter (the general form of a namespace): a subject passes when its attribute
   * hashes, with this seed and hash version, into one of the ranges. An experiment with filters
   * ignores its namespace; a subject without the attribute is filtered out. Immutable.
   *
   * @param seed the hash seed
   * @param ranges the half-open ranges that pass
   * @param attribute the attribute hashed (GrowthBook's default {@code id}; llmops calls have {@code
   *     subject}, {@code tenant}, {@code apiKeyId}, tags and caller attributes)
   * @param hashVersion 1 or 2 (GrowthBook's default for filters is 2)
   */
  public record BucketFilter(String seed, List<Experiment.BucketRange> ranges, String attribute, int hashVersion) {

    /** Checks and copies the components. */
    public BucketFilter {
      Objects.requireNonNull(seed, "seed");
      Objects.requireNonNull(attribute, "attribute");
      ranges = List.copyOf(ranges);
      if (hashVersion != 1 && hashVersion != 2) {
        throw new IllegalArgumentException("hashVersion must be 1 or 2 but was " + hashVersion);
      }
    }

    /** Whether a subject with hash value {@code value} passes. */
    boolean passes(String value) {
      double n = GrowthBook.hash(seed, value, hashVersion);
      if (Double.isNaN(n)) {
        return false;
      }
      for (Experiment.BucketRange r : ranges) {
        if (r.contains(n)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Whether an experiment assigns variants. */
  public enum Status {
    /** Subjects are assigned by forced variants, overrides, a variant source, then hashing. */
    RUNNING,
    /**
     * Nobody is assigned and no exposure is recorded; matching calls get the control variant's
     * settings (as GrowthBook serves variation 0 to subjects outside an experiment).
     */
    STOPPED,
    /**
     * The kill switch: every matching call gets the control variant (index 0), whatever forced
     * variants, overrides or hashing say; the assignment is recorded with reason {@link
     * Assignment.Reason#KILLED}.
     */
    KILLED
  }
}
