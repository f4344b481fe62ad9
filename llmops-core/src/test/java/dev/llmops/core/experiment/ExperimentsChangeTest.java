package dev.llmops.core.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ConfigurationException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Run-time changes: each takes effect for later assignments and is audited. */
class ExperimentsChangeTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private final List<ExperimentChange> audit = new ArrayList<>();

  private Experiments experiments() {
    Experiment canary = Experiment.builder("canary")
        .variant(Variant.of("stable")).variant(Variant.of("next"))
        .ramp(new Experiment.Ramp("next", List.of(0.1, 0.5, 1.0)))
        .build();
    return Experiments.builder().add(canary).auditListener(audit::add)
        .auditListener(c -> {
          throw new IllegalStateException("a broken audit listener must not break the change");
        })
        .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
  }

  @Test
  void advancingAndRollingBackTheRampChangesWeightsAndIsAudited() {
    Experiments x = experiments();
    assertThat(x.get("canary").orElseThrow().weights()).containsExactly(0.9, 0.1);

    assertThat(x.advanceRamp("canary", "error rate flat").weights()).containsExactly(0.5, 0.5);
    assertThat(x.advanceRamp("canary", "latency ok").weights()).containsExactly(0.0, 1.0);
    assertThatThrownBy(() -> x.advanceRamp("canary", "again")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("last ramp step");
    assertThat(x.rollbackRamp("canary", "quality monitor fired").weights()).containsExactly(1.0, 0.0);
    assertThat(x.assign("canary", "anyone")).extracting(Assignment::variant).isEqualTo("stable");

    assertThat(audit).hasSize(3);
    assertThat(audit.get(0)).isEqualTo(new ExperimentChange("canary", ExperimentChange.Kind.RAMP,
        "step 0 [0.9, 0.1]", "step 1 [0.5, 0.5]", "error rate flat", NOW));
    assertThat(audit.get(2).reason()).isEqualTo("quality monitor fired");
    assertThat(audit.get(2).after()).isEqualTo("step -1 [1.0, 0.0]");
    assertThat(x.hookFailures()).isEqualTo(3);
  }

  @Test
  void weightsStatusAndOverrideChangesAreAudited() {
    Experiments x = experiments();
    x.setWeights("canary", List.of(0.25, 0.75), "manual");
    x.override("canary", "stable", "incident 42");
    assertThat(x.assign("canary", "u1")).extracting(Assignment::reason).isEqualTo(Assignment.Reason.OVERRIDE);
    x.override("canary", null, "incident over");
    x.kill("canary", "bad answers");
    assertThat(x.assign("canary", "u1")).extracting(Assignment::reason).isEqualTo(Assignment.Reason.KILLED);
    x.setStatus("canary", Experiment.Status.STOPPED, "done");
    assertThat(x.assign("canary", "u1")).isNull();

    assertThat(audit).extracting(ExperimentChange::kind).containsExactly(
        ExperimentChange.Kind.WEIGHTS, ExperimentChange.Kind.OVERRIDE, ExperimentChange.Kind.OVERRIDE,
        ExperimentChange.Kind.STATUS, ExperimentChange.Kind.STATUS);
    assertThat(audit.get(0).before()).isEqualTo("[0.9, 0.1]");
    assertThat(audit.get(0).after()).isEqualTo("[0.25, 0.75]");
    assertThat(audit.get(3).after()).isEqualTo("KILLED");
    assertThat(x.get("canary").orElseThrow().ramp()).as("setting weights by hand ends the ramp").isNull();
  }

  @Test
  void subjectsCanBeForcedAndReleasedAtRunTime() {
    Experiments x = experiments();
    x.force("canary", "qa-7", "next", "QA checks the canary");
    assertThat(x.assign("canary", "qa-7")).isEqualTo(new Assignment("canary", "next", 1, Assignment.Reason.FORCED, Double.NaN));
    x.force("canary", "qa-7", null, "QA done");
    assertThat(x.assign("canary", "qa-7")).extracting(Assignment::reason).isEqualTo(Assignment.Reason.HASHED);
    assertThat(audit).extracting(ExperimentChange::kind).containsExactly(ExperimentChange.Kind.FORCED, ExperimentChange.Kind.FORCED);
    assertThat(audit).extracting(ExperimentChange::before, ExperimentChange::after)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("null", "next"), org.assertj.core.groups.Tuple.tuple("next", "null"));
  }

  @Test
  void aBadChangeIsRejectedAndNothingIsAudited() {
    Experiments x = experiments();
    assertThatThrownBy(() -> x.setWeights("canary", List.of(0.5, 0.6), "typo"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("experiment 'canary': weights");
    assertThatThrownBy(() -> x.override("canary", "nope", "typo"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("override: unknown variant 'nope'");
    assertThatThrownBy(() -> x.kill("missing", "typo"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no experiment 'missing'");
    assertThat(audit).isEmpty();
    assertThat(x.get("canary").orElseThrow().weights()).containsExactly(0.9, 0.1);
  }
}
