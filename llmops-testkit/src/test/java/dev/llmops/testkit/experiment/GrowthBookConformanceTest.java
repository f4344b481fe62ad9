package dev.llmops.testkit.experiment;

import dev.llmops.core.experiment.Assignment;
import dev.llmops.core.experiment.Experiment;
import dev.llmops.core.experiment.GrowthBook;
import dev.llmops.core.experiment.Variant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.testkit.ConformanceData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs every case of GrowthBook's cross-SDK conformance file ({@code growthbook-cases.json}, spec
 * 0.8.0) in the sections {@code hash}, {@code getBucketRange}, {@code chooseVariation}, {@code
 * inNamespace} and {@code getEqualWeights}, with the reference test's comparison rules: exact for
 * hash, chooseVariation and inNamespace; truncation to 8 decimals for ranges and weights.
 */
class GrowthBookConformanceTest {
  private static JsonNode cases = new ObjectMapper().createObjectNode();

  @BeforeAll
  static void load() throws IOException {
    cases = new ObjectMapper().readTree(ConformanceData.file("growthbook-cases.json").toFile());
  }

  @Test
  void specVersionIsTheOneThisImplementationFollows() {
    assertThat(cases.get("specVersion").asText()).isEqualTo("0.8.0");
  }

  @Test
  void hash() {
    int run = 0;
    SoftAssertions soft = new SoftAssertions();
    for (JsonNode c : section("hash")) {
      String seed = c.get(0).asText();
      String value = c.get(1).asText();
      int version = c.get(2).asInt();
      double actual = GrowthBook.hash(seed, value, version);
      Double got = Double.isNaN(actual) ? null : actual;
      Double expected = c.get(3).isNull() ? null : c.get(3).doubleValue();
      soft.assertThat(got).as("hash(%s, %s, %s)", seed, value, version).isEqualTo(expected);
      run++;
    }
    soft.assertAll();
    assertThat(run).isEqualTo(15);
  }

  @Test
  void getBucketRange() {
    int run = 0;
    SoftAssertions soft = new SoftAssertions();
    for (JsonNode c : section("getBucketRange")) {
      JsonNode args = c.get(1);
      List<Double> weights = args.get(2).isNull() ? null : doubles(args.get(2));
      List<Experiment.BucketRange> ranges = GrowthBook.bucketRanges(args.get(0).asInt(), args.get(1).doubleValue(), weights);
      List<List<Double>> actual = new ArrayList<>();
      for (Experiment.BucketRange r : ranges) {
        actual.add(List.of(truncate(r.start()), truncate(r.end())));
      }
      List<List<Double>> expected = new ArrayList<>();
      for (JsonNode r : c.get(2)) {
        expected.add(List.of(truncate(r.get(0).doubleValue()), truncate(r.get(1).doubleValue())));
      }
      soft.assertThat(actual).as(c.get(0).asText()).isEqualTo(expected);
      run++;
    }
    soft.assertAll();
    assertThat(run).isEqualTo(13);
  }

  @Test
  void chooseVariation() {
    int run = 0;
    SoftAssertions soft = new SoftAssertions();
    for (JsonNode c : section("chooseVariation")) {
      List<Experiment.BucketRange> ranges = new ArrayList<>();
      for (JsonNode r : c.get(2)) {
        ranges.add(new Experiment.BucketRange(r.get(0).doubleValue(), r.get(1).doubleValue()));
      }
      soft.assertThat(GrowthBook.chooseVariation(c.get(1).doubleValue(), ranges))
          .as(c.get(0).asText())
          .isEqualTo(c.get(3).asInt());
      run++;
    }
    soft.assertAll();
    assertThat(run).isEqualTo(13);
  }

  @Test
  void inNamespace() {
    int run = 0;
    SoftAssertions soft = new SoftAssertions();
    for (JsonNode c : section("inNamespace")) {
      JsonNode ns = c.get(2);
      Experiment.Namespace namespace = new Experiment.Namespace(ns.get(0).asText(), ns.get(1).doubleValue(), ns.get(2).doubleValue());
      soft.assertThat(GrowthBook.inNamespace(c.get(1).asText(), namespace))
          .as(c.get(0).asText())
          .isEqualTo(c.get(3).asBoolean());
      run++;
    }
    soft.assertAll();
    assertThat(run).isEqualTo(16);
  }

  @Test
  void getEqualWeights() {
    int run = 0;
    SoftAssertions soft = new SoftAssertions();
    for (JsonNode c : section("getEqualWeights")) {
      List<Double> actual = new ArrayList<>();
      GrowthBook.equalWeights(c.get(0).asInt()).forEach(w -> actual.add(truncate(w)));
      List<Double> expected = new ArrayList<>();
      c.get(1).forEach(w -> expected.add(truncate(w.doubleValue())));
      soft.assertThat(actual).as("getEqualWeights(%s)", c.get(0).asInt()).isEqualTo(expected);
      run++;
    }
    soft.assertAll();
    assertThat(run).isEqualTo(6);
  }

  /** The experiment's own assignment path agrees with the primitives on the file's hash cases. */
  @Test
  void experimentAssignmentUsesTheSameHash() {
    for (JsonNode c : section("hash")) {
      if (c.get(3).isNull() || c.get(0).asText().isEmpty()) {
        continue;
      }
      Experiment e = Experiment.builder("exp").seed(c.get(0).asText()).hashVersion(c.get(2).asInt())
          .variant(Variant.of("a")).variant(Variant.of("b")).build();
      Assignment a = e.assign(c.get(1).asText());
      assertThat(a).isNotNull();
      assertThat(a.bucket()).isEqualTo(c.get(3).doubleValue());
      assertThat(a.variantIndex()).isEqualTo(c.get(3).doubleValue() < 0.5 ? 0 : 1);
    }
  }

  private static JsonNode section(String name) {
    JsonNode s = cases.get(name);
    assertThat(s).as("section %s", name).isNotNull();
    assertThat(s.isArray()).isTrue();
    return s;
  }

  private static List<Double> doubles(JsonNode array) {
    List<Double> out = new ArrayList<>();
    array.forEach(n -> out.add(n.doubleValue()));
    return out;
  }

  /** The reference test's comparison: {@code Math.floor(x * 1e8) / 1e8}. */
  private static double truncate(double x) {
    return Math.floor(x * 1e8) / 1e8;
  }
}
