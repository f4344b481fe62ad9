package dev.llmops.core.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ConfigurationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sticky bucketing and targeting through {@link Experiments}: subjects keep their variant while a ramp moves. */
class StickyTargetingTest {
  private static Experiment canary() {
    return Experiment.builder("canary")
        .variant(Variant.of("stable")).variant(Variant.of("next"))
        .ramp(new Experiment.Ramp("next", List.of(0.1, 0.5, 1.0)))
        .build();
  }

  @Test
  void subjectsKeepTheirVariantWhenTheRampAdvancesAndARollbackReleasesThem() {
    List<ExperimentChange> audit = new ArrayList<>();
    Experiments sticky = Experiments.builder().add(canary()).stickyBuckets(StickyBucketStore.inMemory(10_000))
        .auditListener(audit::add).build();
    Experiments plain = Experiments.of(canary());
    Map<String, String> before = new HashMap<>();
    for (int i = 0; i < 2000; i++) {
      String s = "user-" + i;
      Assignment a = sticky.assign("canary", Map.of("subject", s));
      assertThat(a).isNotNull();
      assertThat(a.reason()).isEqualTo(Assignment.Reason.HASHED);
      assertThat(a.hashAttribute()).isEqualTo("subject");
      before.put(s, a.variant());
    }
    sticky.advanceRamp("canary", "healthy");
    plain.advanceRamp("canary", "healthy");

    int movedWithoutStickiness = 0;
    for (Map.Entry<String, String> e : before.entrySet()) {
      Assignment a = sticky.assign("canary", Map.of("subject", e.getKey()));
      assertThat(a).isNotNull();
      assertThat(a.variant()).as(e.getKey()).isEqualTo(e.getValue());
      assertThat(a.reason()).isEqualTo(Assignment.Reason.STICKY);
      if (!plain.assign("canary", e.getKey()).variant().equals(e.getValue())) {
        movedWithoutStickiness++;
      }
    }
    // Buckets in [0.5, 0.9) move from stable to next at 50 % without sticky bucketing: about 40 %.
    assertThat(movedWithoutStickiness).isBetween(700, 900);
    // New subjects get the new weights.
    long newOnNext = 0;
    for (int i = 0; i < 2000; i++) {
      if (sticky.assign("canary", Map.of("subject", "new-" + i)).variant().equals("next")) {
        newOnNext++;
      }
    }
    assertThat(newOnNext).isBetween(900L, 1100L);

    Experiment rolledBack = sticky.rollbackRamp("canary", "errors 3x control");
    assertThat(rolledBack.bucketVersion()).isEqualTo(1);
    for (String s : before.keySet()) {
      assertThat(sticky.assign("canary", Map.of("subject", s)).variant()).isEqualTo("stable");
    }
    assertThat(audit).extracting(ExperimentChange::reason).containsExactly("healthy", "errors 3x control");
  }

  @Test
  void aConditionTargetsByAttributesAndAFallbackAttributeHashesAnonymousSubjects() {
    Experiment e = Experiment.builder("pro-only")
        .variant(Variant.of("a")).variant(Variant.of("b"))
        .condition(Condition.parse("{\"plan\": {\"$in\": [\"pro\", \"enterprise\"]}, \"appVersion\": {\"$vgte\": \"2.4.0\"}}"))
        .fallbackAttribute("deviceId")
        .build();
    Experiments x = Experiments.builder().add(e).stickyBuckets(StickyBucketStore.inMemory(100)).build();
    assertThat(x.assign("pro-only", Map.of("subject", "u1", "plan", "free", "appVersion", "3.0.0"))).isNull();
    assertThat(x.assign("pro-only", Map.of("subject", "u2", "plan", "pro", "appVersion", "2.3.9"))).isNull();
    Assignment u1 = x.assign("pro-only", Map.of("subject", "u1", "plan", "pro", "appVersion", "2.10.0"));
    assertThat(u1).isNotNull();
    // GrowthBook's rule: a subject with a sticky bucket skips targeting, so it stays in after a downgrade.
    Assignment later = x.assign("pro-only", Map.of("subject", "u1", "plan", "pro", "appVersion", "2.3.9"));
    assertThat(later).isNotNull();
    assertThat(later.reason()).isEqualTo(Assignment.Reason.STICKY);
    assertThat(later.variant()).isEqualTo(u1.variant());
    Assignment anonymous = x.assign("pro-only", Map.of("deviceId", "d-9", "plan", "pro", "appVersion", "2.4.0"));
    assertThat(anonymous).isNotNull();
    assertThat(anonymous.hashAttribute()).isEqualTo("deviceId");
    assertThat(x.stickyBuckets().assignments("deviceId", "d-9")).containsEntry("pro-only__0", anonymous.variant());
  }

  @Test
  void theKillSwitchWinsOverStickyBucketsAndForcedVariations() {
    Experiments x = Experiments.builder().add(canary()).stickyBuckets(StickyBucketStore.inMemory(100)).build();
    x.advanceRamp("canary", "go");
    x.advanceRamp("canary", "go");
    assertThat(x.assign("canary", Map.of("subject", "u1")).variant()).isEqualTo("next");
    x.kill("canary", "incident");
    Assignment a = x.get("canary").orElseThrow()
        .assign(Targeting.builder().attribute("subject", "u1").forceVariation("canary", 1)
            .stickyBuckets(x.stickyBuckets()).build());
    assertThat(a).isNotNull();
    assertThat(a.variant()).isEqualTo("stable");
    assertThat(a.reason()).isEqualTo(Assignment.Reason.KILLED);
  }

  @Test
  void targetingIsReadFromExperimentFiles() {
    String yaml = """
        experiments:
          - key: eu-pro
            variants: [{key: a}, {key: b}]
            condition: {plan: pro, region: {$in: [eu]}}
            fallbackAttribute: deviceId
            bucketVersion: 2
            minBucketVersion: 1
            stickyBucketing: false
        """;
    Experiment e = Experiments.builder().loadYaml(yaml, "exp.yaml").build().get("eu-pro").orElseThrow();
    assertThat(e.condition()).isEqualTo(Condition.parse("{\"plan\":\"pro\",\"region\":{\"$in\":[\"eu\"]}}"));
    assertThat(e.fallbackAttribute()).isEqualTo("deviceId");
    assertThat(e.bucketVersion()).isEqualTo(2);
    assertThat(e.minBucketVersion()).isEqualTo(1);
    assertThat(e.stickyBucketing()).isFalse();
    assertThatThrownBy(() -> Experiments.builder().loadYaml("""
        experiments:
          - key: bad
            variants: [{key: a}, {key: b}]
            condition: [plan]
            bucketVersion: -1
        """, "bad.yaml").build())
        .hasMessageContaining("bad.yaml: experiment 'bad': condition: must be an object")
        .hasMessageContaining("bad.yaml: experiment 'bad': bucketVersion: must be >= 0 but was -1");
  }

  @Test
  void badTargetingSettingsFailNamingTheField() {
    assertThatThrownBy(() -> Experiment.builder("x").variant(Variant.of("a")).variant(Variant.of("b"))
            .bucketVersion(1).minBucketVersion(2).enrolledVariant("c")
            .ranges(List.of(new Experiment.BucketRange(0, 0.5))).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("experiment 'x': enrolledVariant: unknown variant 'c'")
        .hasMessageContaining("experiment 'x': minBucketVersion: 2 is above bucketVersion 1")
        .hasMessageContaining("experiment 'x': ranges: has 1 ranges for 2 variants");
    assertThatThrownBy(() -> Condition.parse("[1]")).hasMessageContaining("condition: must be a JSON object");
  }
}
