package dev.llmops.core.experiment;

import dev.llmops.core.experiment.shadow.Shadow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.GenerationParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.NotBlank;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import org.jspecify.annotations.Nullable;

/** Invariants of assignment: determinism, distribution, and what wins over hashing. */
class AssignmentPropertyTest {

  /**
   * Assignment depends on (key or seed, subject, weights, hash version) only: two experiments
   * built independently with the same inputs but different variant contents, selectors and
   * shadow settings agree, repeated calls agree, and both equal GrowthBook's formula.
   */
  @Property(tries = 300)
  void assignmentIsAPureFunctionOfKeySubjectWeightsAndSeed(
      @ForAll @AlphaChars @NumericChars @StringLength(min = 1, max = 20) String key,
      @ForAll @StringLength(min = 1, max = 40) String subject,
      @ForAll("weights") List<Double> weights,
      @ForAll @StringLength(max = 10) String seed,
      @ForAll @IntRange(min = 1, max = 2) int hashVersion) {
    Experiment a = experiment(key, weights, seed, hashVersion, "m");
    Experiment b = experiment(key, weights, seed, hashVersion, "other")
        .toBuilder().feature("f").shadow(new Shadow("v0", 0.5)).build();
    Assignment first = a.assign(subject);
    assertThat(a.assign(subject)).isEqualTo(first);
    assertThat(b.assign(subject)).isEqualTo(first);

    String effectiveSeed = seed.isEmpty() ? key : seed;
    double n = GrowthBook.hash(effectiveSeed, subject, hashVersion);
    int expected = GrowthBook.chooseVariation(n, GrowthBook.bucketRanges(weights.size(), 1, weights));
    if (expected < 0) {
      assertThat(first).isNull();
    } else {
      assertThat(present(first).variantIndex()).isEqualTo(expected);
      assertThat(present(first).bucket()).isEqualTo(n);
      assertThat(present(first).reason()).isEqualTo(Assignment.Reason.HASHED);
    }
  }

  /** Over 100,000 random subjects, each variant's share is within one percentage point of its weight. */
  @Property(tries = 8)
  void sharesMatchWeightsWithinOnePoint(
      @ForAll("weights") List<Double> weights,
      @ForAll @AlphaChars @StringLength(min = 1, max = 12) String key,
      @ForAll @IntRange(min = 1, max = 2) int hashVersion,
      @ForAll long randomSeed) {
    Experiment e = experiment(key, weights, "", hashVersion, "m");
    SplittableRandom random = new SplittableRandom(randomSeed);
    int subjects = 100_000;
    int[] counts = new int[weights.size()];
    for (int i = 0; i < subjects; i++) {
      String subject = "user-" + Long.toHexString(random.nextLong());
      counts[present(e.assign(subject)).variantIndex()]++;
    }
    for (int v = 0; v < counts.length; v++) {
      assertThat((double) counts[v] / subjects)
          .as("share of variant %d with weights %s", v, weights)
          .isCloseTo(weights.get(v), org.assertj.core.data.Offset.offset(0.01));
    }
  }

  /** A forced subject gets its forced variant, whatever its hash says. */
  @Property(tries = 300)
  void forcedVariantsWinOverHashing(
      @ForAll @NotBlank @StringLength(max = 30) String subject,
      @ForAll("weights") List<Double> weights,
      @ForAll @IntRange(min = 0, max = 3) int forcedIndex) {
    int index = forcedIndex % weights.size();
    Experiment e = experiment("exp", weights, "", 1, "m").toBuilder().force(subject, "v" + index).build();
    Assignment a = present(e.assign(subject));
    assertThat(a.variantIndex()).isEqualTo(index);
    assertThat(a.reason()).isEqualTo(Assignment.Reason.FORCED);
  }

  /** The kill switch sends every call to control, over forced variants, overrides and hashing. */
  @Property(tries = 300)
  void killSwitchWinsOverEverything(
      @ForAll @StringLength(max = 30) String subject,
      @ForAll("weights") List<Double> weights,
      @ForAll @IntRange(min = 0, max = 3) int other) {
    String variant = "v" + (other % weights.size());
    Experiment.Builder b = experiment("exp", weights, "", 1, "m").toBuilder()
        .override(variant)
        .status(Experiment.Status.KILLED);
    if (!subject.isEmpty()) {
      b.force(subject, variant);
    }
    Assignment a = present(b.build().assign(subject));
    assertThat(a.variantIndex()).isZero();
    assertThat(a.variant()).isEqualTo("v0");
    assertThat(a.reason()).isEqualTo(Assignment.Reason.KILLED);
  }

  /** Raising a canary's weight never takes it away from a subject that had it. */
  @Property(tries = 200)
  void canaryRampIsSticky(@ForAll @StringLength(min = 1, max = 30) String subject) {
    Experiment e = Experiment.builder("canary").variant(Variant.of("stable")).variant(Variant.of("canary"))
        .ramp(new Experiment.Ramp("canary", List.of(0.01, 0.05, 0.25, 0.5, 1.0))).build();
    boolean had = false;
    for (int step = 0; step < 5; step++) {
      Experiment at = e.toBuilder().rampStep(step).build();
      Assignment a = present(at.assign(subject));
      boolean canary = a.variant().equals("canary");
      if (had) {
        assertThat(canary).as("step %d", step).isTrue();
      }
      had = canary;
    }
    assertThat(had).as("the last step is 100%% canary").isTrue();
  }

  /** Raising coverage keeps every enrolled subject on its variant (GrowthBook's range layout). */
  @Property(tries = 300)
  void raisingCoverageKeepsEnrolledSubjects(
      @ForAll @StringLength(min = 1, max = 30) String subject,
      @ForAll("weights") List<Double> weights,
      @ForAll @IntRange(min = 0, max = 100) int low,
      @ForAll @IntRange(min = 0, max = 100) int high) {
    Experiment base = experiment("cov", weights, "", 1, "m");
    Assignment before = base.toBuilder().coverage(Math.min(low, high) / 100.0).build().assign(subject);
    Assignment after = base.toBuilder().coverage(Math.max(low, high) / 100.0).build().assign(subject);
    if (before != null) {
      assertThat(after).isEqualTo(before);
    }
  }

  @Provide
  Arbitrary<List<Double>> weights() {
    return Arbitraries.integers().between(1, 100).list().ofMinSize(2).ofMaxSize(4).map(ints -> {
      double sum = ints.stream().mapToInt(Integer::intValue).sum();
      List<Double> out = new ArrayList<>();
      double acc = 0;
      for (int i = 0; i < ints.size() - 1; i++) {
        double w = ints.get(i) / sum;
        out.add(w);
        acc += w;
      }
      out.add(1 - acc);
      return out;
    });
  }

  private static Experiment experiment(String key, List<Double> weights, String seed, int hashVersion, String model) {
    Experiment.Builder b = Experiment.builder(key).hashVersion(hashVersion).weights(weights);
    if (!seed.isEmpty()) {
      b.seed(seed);
    }
    for (int i = 0; i < weights.size(); i++) {
      b.variant(Variant.of("v" + i).withModel(model + i)
          .withParameters(GenerationParameters.builder().temperature(i / 10.0).build()));
    }
    return b.build();
  }

  /** Asserts that the subject was assigned, and returns the assignment. */
  static Assignment present(@Nullable Assignment a) {
    assertThat(a).as("assignment").isNotNull();
    return Objects.requireNonNull(a);
  }
}
