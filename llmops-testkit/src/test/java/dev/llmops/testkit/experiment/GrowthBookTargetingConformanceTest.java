package dev.llmops.testkit.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmops.api.ConfigurationException;
import dev.llmops.core.experiment.Assignment;
import dev.llmops.core.experiment.Condition;
import dev.llmops.core.experiment.Experiment;
import dev.llmops.core.experiment.GrowthBook;
import dev.llmops.core.experiment.StickyBucketStore;
import dev.llmops.core.experiment.Targeting;
import dev.llmops.core.experiment.Variant;
import dev.llmops.testkit.ConformanceData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs every case of the {@code evalCondition}, {@code run}, {@code stickyBucket} and {@code
 * getQueryStringOverride} sections of GrowthBook's cross-SDK conformance file ({@code
 * growthbook-cases.json}, spec 0.8.0) through llmops' {@link Condition}, {@link Experiment#assign(Targeting)}
 * and {@link StickyBucketStore}, counting the cases of each section.
 *
 * <p>How a case's GrowthBook experiment becomes an llmops {@link Experiment}: variations become
 * variants keyed by their meta key or index; {@code active: false} is {@link Experiment.Status#STOPPED};
 * {@code force} is {@link Experiment.Builder#enrolledVariant}; {@code parentConditions} are {@link
 * Experiment.Prerequisite}s over the values of the context's features (which in these cases have only a
 * default value). Two kinds of case cannot be expressed, and are counted apart with GrowthBook's
 * expected outcome checked: an experiment llmops refuses to build (one variation, a forced
 * variation outside the variations: GrowthBook then enrols nobody, llmops fails the configuration
 * naming the field), and a context with {@code enabled: false} (an application without
 * experiments installed).
 */
class GrowthBookTargetingConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static JsonNode cases = JSON.createObjectNode();

  @BeforeAll
  static void load() throws IOException {
    cases = JSON.readTree(ConformanceData.file("growthbook-cases.json").toFile());
  }

  @Test
  @SuppressWarnings("unchecked")
  void evalCondition() {
    int run = 0;
    int passing = 0;
    SoftAssertions soft = new SoftAssertions();
    for (JsonNode c : cases.get("evalCondition")) {
      String name = c.get(0).asText();
      Condition condition = Condition.of(JSON.convertValue(c.get(1), Map.class));
      Map<String, Object> attributes = JSON.convertValue(c.get(2), Map.class);
      Map<String, List<?>> groups = c.size() > 4 ? JSON.convertValue(c.get(4), Map.class) : Map.of();
      boolean expected = c.get(3).asBoolean();
      soft.assertThat(condition.test(attributes, groups)).as("%s: %s on %s", name, c.get(1), c.get(2)).isEqualTo(expected);
      run++;
      if (expected) {
        passing++;
      }
    }
    soft.assertAll();
    assertThat(run).isEqualTo(248);
    assertThat(passing).as("cases expected to pass").isEqualTo(146);
  }

  @Test
  void run() {
    int run = 0;
    int refused = 0;
    int disabled = 0;
    SoftAssertions soft = new SoftAssertions();
    for (JsonNode c : cases.get("run")) {
      String name = c.get(0).asText();
      JsonNode ctx = c.get(1);
      JsonNode exp = c.get(2);
      JsonNode variations = exp.get("variations");
      JsonNode expectedValue = c.get(3);
      boolean expectedIn = c.get(4).asBoolean();
      boolean expectedHashUsed = c.get(5).asBoolean();
      run++;
      if (ctx.has("enabled") && !ctx.get("enabled").asBoolean()) {
        disabled++;
        soft.assertThat(List.of(expectedValue, expectedIn, expectedHashUsed)).as(name)
            .isEqualTo(List.of(variations.get(0), false, false));
        continue;
      }
      Experiment experiment;
      try {
        experiment = experiment(exp, exp.get("key").asText());
      } catch (ConfigurationException e) {
        refused++;
        soft.assertThat(List.of(expectedValue, expectedIn, expectedHashUsed)).as(name + " (refused: " + e.getMessage() + ")")
            .isEqualTo(List.of(variations.get(0), false, false));
        continue;
      }
      Assignment a = experiment.assign(targeting(ctx, StickyBucketStore.noop()));
      List<Object> actual = a == null
          ? List.of(variations.get(0), false, false)
          : List.of(variations.get(a.variantIndex()), true,
              a.reason() == Assignment.Reason.HASHED || a.reason() == Assignment.Reason.STICKY);
      soft.assertThat(actual).as(name).isEqualTo(List.of(expectedValue, expectedIn, expectedHashUsed));
    }
    soft.assertAll();
    assertThat(run).isEqualTo(73);
    assertThat(refused).as("experiments llmops refuses to build").isEqualTo(3);
    assertThat(disabled).as("contexts with enabled: false").isEqualTo(1);
  }

  @Test
  @SuppressWarnings("unchecked")
  void stickyBucket() {
    int run = 0;
    SoftAssertions soft = new SoftAssertions();
    for (JsonNode c : cases.get("stickyBucket")) {
      String name = c.get(0).asText();
      JsonNode ctx = c.get(1);
      String featureKey = c.get(3).asText();
      JsonNode feature = ctx.get("features").get(featureKey);
      assertThat(feature.get("rules")).as(name + ": one experiment rule").hasSize(1);
      JsonNode rule = feature.get("rules").get(0);
      MapStore store = new MapStore();
      for (JsonNode doc : c.get(2)) {
        Map<String, String> assignments = JSON.convertValue(doc.get("assignments"), Map.class);
        store.save(doc.get("attributeName").asText(), doc.get("attributeValue").asText(), assignments);
      }
      Experiment experiment = experiment(rule, rule.has("key") ? rule.get("key").asText() : featureKey);
      Targeting targeting = targeting(ctx, store);
      Assignment a = experiment.assign(targeting);

      JsonNode actual = NullNode.getInstance();
      if (a != null) {
        ObjectNode r = JSON.createObjectNode();
        r.put("bucket", a.bucket());
        r.put("featureId", featureKey);
        r.put("hashAttribute", a.hashAttribute());
        r.put("hashUsed", a.reason() == Assignment.Reason.HASHED || a.reason() == Assignment.Reason.STICKY);
        r.put("hashValue", ctx.get("attributes").get(a.hashAttribute()).asText());
        r.put("inExperiment", true);
        r.put("key", a.variant());
        r.put("stickyBucketUsed", a.reason() == Assignment.Reason.STICKY);
        r.set("value", rule.get("variations").get(a.variantIndex()));
        r.put("variationId", a.variantIndex());
        actual = r;
      }
      soft.assertThat(actual).as(name + ": result").isEqualTo(c.get(4));

      // The documents of this subject (its hash and fallback attributes' values), as the reference
      // SDK's context holds them after the evaluation.
      ObjectNode docs = JSON.createObjectNode();
      for (String attribute : new String[] {text(rule, "hashAttribute", "id"), text(rule, "fallbackAttribute", "")}) {
        JsonNode value = ctx.get("attributes").get(attribute);
        if (value == null) {
          continue;
        }
        Map<String, String> doc = store.assignments(attribute, value.asText());
        if (!doc.isEmpty()) {
          ObjectNode d = docs.putObject(attribute + "||" + value.asText());
          d.put("attributeName", attribute);
          d.put("attributeValue", value.asText());
          d.set("assignments", JSON.valueToTree(doc));
        }
      }
      soft.assertThat(docs).as(name + ": documents").isEqualTo(c.get(5));
      run++;
    }
    soft.assertAll();
    assertThat(run).isEqualTo(13);
  }

  @Test
  void getQueryStringOverride() {
    int run = 0;
    SoftAssertions soft = new SoftAssertions();
    for (JsonNode c : cases.get("getQueryStringOverride")) {
      int actual = GrowthBook.queryStringOverride(c.get(1).asText(), c.get(2).asText(), c.get(3).asInt());
      soft.assertThat(actual < 0 ? null : actual).as(c.get(0).asText())
          .isEqualTo(c.get(4).isNull() ? null : c.get(4).asInt());
      run++;
    }
    soft.assertAll();
    assertThat(run).isEqualTo(16);
  }

  /** A GrowthBook experiment (or feature rule) as an llmops experiment. */
  @SuppressWarnings("unchecked")
  private static Experiment experiment(JsonNode exp, String key) {
    Experiment.Builder b = Experiment.builder(key).hashAttribute(text(exp, "hashAttribute", "id"));
    JsonNode variations = exp.get("variations");
    for (int i = 0; i < variations.size(); i++) {
      JsonNode meta = exp.path("meta").path(i).path("key");
      b.variant(Variant.of(meta.isMissingNode() ? String.valueOf(i) : meta.asText()));
    }
    if (exp.has("seed")) {
      b.seed(exp.get("seed").asText());
    }
    if (exp.has("hashVersion")) {
      b.hashVersion(exp.get("hashVersion").asInt());
    }
    if (exp.has("coverage")) {
      b.coverage(exp.get("coverage").asDouble());
    }
    if (exp.has("weights")) {
      b.weights(JSON.convertValue(exp.get("weights"), List.class));
    }
    if (exp.has("namespace")) {
      JsonNode ns = exp.get("namespace");
      b.namespace(new Experiment.Namespace(ns.get(0).asText(), ns.get(1).asDouble(), ns.get(2).asDouble()));
    }
    for (JsonNode f : exp.path("filters")) {
      b.filter(new Experiment.BucketFilter(f.get("seed").asText(), ranges(f.get("ranges")), text(f, "attribute", "id"),
          f.has("hashVersion") ? f.get("hashVersion").asInt() : 2));
    }
    if (exp.has("ranges")) {
      b.ranges(ranges(exp.get("ranges")));
    }
    if (exp.has("condition")) {
      b.condition(Condition.of(JSON.convertValue(exp.get("condition"), Map.class)));
    }
    for (JsonNode p : exp.path("parentConditions")) {
      b.prerequisite(new Experiment.Prerequisite(p.get("id").asText(), Condition.of(JSON.convertValue(p.get("condition"), Map.class))));
    }
    if (exp.has("active") && !exp.get("active").asBoolean()) {
      b.status(Experiment.Status.STOPPED);
    }
    if (exp.has("force")) {
      b.enrolledVariant(String.valueOf(exp.get("force").asInt()));
    }
    if (exp.has("fallbackAttribute")) {
      b.fallbackAttribute(exp.get("fallbackAttribute").asText());
    }
    if (exp.has("bucketVersion")) {
      b.bucketVersion(exp.get("bucketVersion").asInt());
    }
    if (exp.has("minBucketVersion")) {
      b.minBucketVersion(exp.get("minBucketVersion").asInt());
    }
    if (exp.path("disableStickyBucketing").asBoolean()) {
      b.stickyBucketing(false);
    }
    return b.build();
  }

  @SuppressWarnings("unchecked")
  private static Targeting targeting(JsonNode ctx, StickyBucketStore store) {
    Targeting.Builder t = Targeting.builder().stickyBuckets(store)
        .attributes(ctx.has("attributes") ? JSON.convertValue(ctx.get("attributes"), Map.class) : Map.of());
    if (ctx.has("savedGroups")) {
      t.savedGroups(JSON.convertValue(ctx.get("savedGroups"), Map.class));
    }
    ctx.path("forcedVariations").properties().forEach(e -> t.forceVariation(e.getKey(), e.getValue().asInt()));
    if (ctx.path("qaMode").asBoolean()) {
      t.qaMode(true);
    }
    if (ctx.has("url")) {
      t.url(ctx.get("url").asText());
    }
    ctx.path("features").properties().forEach(e -> {
      if (e.getValue().path("rules").isEmpty()) {
        t.flag(e.getKey(), JSON.convertValue(e.getValue().get("defaultValue"), Object.class));
      }
    });
    return t.build();
  }

  private static List<Experiment.BucketRange> ranges(JsonNode array) {
    List<Experiment.BucketRange> out = new ArrayList<>();
    array.forEach(r -> out.add(new Experiment.BucketRange(r.get(0).asDouble(), r.get(1).asDouble())));
    return out;
  }

  private static String text(JsonNode node, String field, String otherwise) {
    return node.has(field) ? node.get(field).asText() : otherwise;
  }

  /** A store whose documents the test reads back. */
  private static final class MapStore implements StickyBucketStore {
    private final Map<String, Map<String, String>> docs = new HashMap<>();

    @Override
    public Map<String, String> assignments(String attributeName, String attributeValue) {
      return docs.getOrDefault(attributeName + "||" + attributeValue, Map.of());
    }

    @Override
    public void save(String attributeName, String attributeValue, Map<String, String> assignments) {
      docs.put(attributeName + "||" + attributeValue, Map.copyOf(assignments));
    }
  }

  @Test
  void conditionJsonRoundTrips() {
    Condition c = Condition.parse("{\"plan\":{\"$in\":[\"pro\",\"team\"]},\"v\":{\"$vgte\":\"2.4.0\"},\"n\":3}");
    assertThat(Condition.parse(c.toJson())).isEqualTo(c);
    assertThat(c.toJson()).isEqualTo("{\"plan\":{\"$in\":[\"pro\",\"team\"]},\"v\":{\"$vgte\":\"2.4.0\"},\"n\":3}");
    assertThat(c.test(Map.of("plan", "pro", "v", "2.10.1", "n", 3))).isTrue();
    assertThat(c.test(Map.of("plan", "pro", "v", "2.3.9", "n", 3))).isFalse();
  }
}
