package dev.llmops.core.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;

/** Invariants of targeted assignment. */
class TargetingPropertyTest {

  /** An experiment with no targeting assigns the same through the fast path and through a Targeting. */
  @Property(tries = 300)
  void bothAssignmentPathsAgree(
      @ForAll @AlphaChars @NumericChars @StringLength(min = 1, max = 12) String key,
      @ForAll @AlphaChars @NumericChars @StringLength(min = 1, max = 20) String subject,
      @ForAll @DoubleRange(min = 0, max = 1) double coverage,
      @ForAll @IntRange(min = 1, max = 2) int hashVersion) {
    Experiment e = Experiment.builder(key).variant(Variant.of("a")).variant(Variant.of("b")).variant(Variant.of("c"))
        .coverage(coverage).hashVersion(hashVersion).build();
    assertThat(e.assign(Targeting.of(Map.of("subject", subject)))).isEqualTo(withHashAttribute(e.assign(subject)));
  }

  /** With a sticky store, a subject keeps its first variant whatever the weights become (until a new bucket version). */
  @Property(tries = 200)
  void stickySubjectsKeepTheirVariantThroughAnyWeights(
      @ForAll @AlphaChars @NumericChars @StringLength(min = 1, max = 20) String subject,
      @ForAll @DoubleRange(min = 0, max = 1) double first,
      @ForAll @DoubleRange(min = 0, max = 1) double second) {
    StickyBucketStore store = StickyBucketStore.inMemory(10);
    Targeting t = Targeting.builder().attribute("subject", subject).stickyBuckets(store).build();
    Experiment before = Experiment.builder("exp").variant(Variant.of("a")).variant(Variant.of("b"))
        .weights(List.of(first, 1 - first)).build();
    Assignment a = before.assign(t);
    Experiment after = before.toBuilder().weights(List.of(second, 1 - second)).build();
    Assignment b = after.assign(t);
    if (a == null) {
      return; // a zero-weight variant range can leave a bucket uncovered
    }
    assertThat(b).isNotNull();
    assertThat(b.variant()).isEqualTo(a.variant());
    Assignment rebucketed = after.toBuilder().bucketVersion(1).build().assign(t);
    if (rebucketed != null) {
      assertThat(rebucketed.variant()).isEqualTo(after.assign(Targeting.of(Map.of("subject", subject))).variant());
    }
  }

  private static Assignment withHashAttribute(Assignment a) {
    return a == null || a.reason() != Assignment.Reason.HASHED ? a
        : new Assignment(a.experimentKey(), a.variant(), a.variantIndex(), a.reason(), a.bucket(), "subject");
  }
}
