package dev.llmops.core.experiment;

import dev.llmops.core.experiment.shadow.Shadow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Definitions from builders and files: what loads, and bad definitions failing by name. */
class ExperimentDefinitionTest {
  @TempDir Path dir;

  private static final String YAML = """
      experiments:
        - key: support-model
          prompt: support-reply
          feature: support
          weights: [0.9, 0.1]
          coverage: 0.5
          namespace: {id: models, start: 0, end: 0.5}
          variants:
            - key: control
              model: smart
            - key: cheap
              model: cheap
              promptLabel: candidate
              parameters: {temperature: 0.2, maxOutputTokens: 300, stopSequences: ["END"]}
          forced: {qa-1: cheap}
          shadow: {variant: cheap, fraction: 0.25}
        - key: prompt-canary
          hashAttribute: tenant
          hashVersion: 2
          status: killed
          variants:
            - stable
            - key: next
              promptVersion: 7
          ramp: {variant: next, steps: [0.05, 0.5, 1]}
      """;

  @Test
  void loadsEveryFieldFromYaml() throws IOException {
    Path file = Files.writeString(dir.resolve("experiments.yaml"), YAML);
    Experiments experiments = Experiments.fromFile(file);
    assertThat(experiments.all()).extracting(Experiment::key).containsExactly("support-model", "prompt-canary");

    Experiment a = experiments.get("support-model").orElseThrow();
    assertThat(a.prompt()).isEqualTo("support-reply");
    assertThat(a.feature()).isEqualTo("support");
    assertThat(a.weights()).containsExactly(0.9, 0.1);
    assertThat(a.coverage()).isEqualTo(0.5);
    assertThat(a.namespace()).isEqualTo(new Experiment.Namespace("models", 0, 0.5));
    assertThat(a.forced()).containsEntry("qa-1", "cheap");
    assertThat(a.shadow()).isEqualTo(new Shadow("cheap", 0.25));
    Variant cheap = a.variants().get(1);
    assertThat(cheap.model()).isEqualTo("cheap");
    assertThat(cheap.promptLabel()).isEqualTo("candidate");
    assertThat(cheap.parameters().temperature()).isEqualTo(0.2);
    assertThat(cheap.parameters().maxOutputTokens()).isEqualTo(300);
    assertThat(cheap.parameters().stopSequences()).containsExactly("END");
    assertThat(a.bucketRanges()).isEqualTo(GrowthBook.bucketRanges(2, 0.5, List.of(0.9, 0.1)));
    assertThat(a.bucketRanges().get(1).start()).isEqualTo(0.9);
    assertThat(a.bucketRanges().get(1).end()).isCloseTo(0.95, org.assertj.core.data.Offset.offset(1e-12));

    Experiment b = experiments.get("prompt-canary").orElseThrow();
    assertThat(b.status()).isEqualTo(Experiment.Status.KILLED);
    assertThat(b.hashAttribute()).isEqualTo("tenant");
    assertThat(b.hashVersion()).isEqualTo(2);
    assertThat(b.variants()).extracting(Variant::key).containsExactly("stable", "next");
    assertThat(b.variants().get(1).promptVersion()).isEqualTo(7);
    assertThat(b.weights()).containsExactly(0.95, 0.05);
  }

  @Test
  void jsonFilesLoadToo() throws IOException {
    Path file = Files.writeString(dir.resolve("experiments.json"),
        "[{\"key\": \"j\", \"variants\": [\"a\", \"b\"], \"weights\": [0.5, 0.5]}]");
    assertThat(Experiments.fromFile(file).get("j")).isPresent();
  }

  @Test
  void badDefinitionsNameTheFileExperimentAndEveryField() throws IOException {
    Path file = Files.writeString(dir.resolve("bad.yaml"), """
        experiments:
          - key: broken
            coverage: -0.5
            weights: [0.5, 0.3, 0.2]
            colour: blue
            variants:
              - key: a
                model: smart
                parameters: {temperature: 5}
              - b
            shadow: {variant: nope, fraction: 2}
        """);
    assertThatThrownBy(() -> Experiments.fromFile(file))
        .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).satisfiesExactlyInAnyOrder(
            p -> assertThat(p).contains("bad.yaml", "experiment 'broken'", "colour", "unknown field"),
            p -> assertThat(p).contains("bad.yaml", "experiment 'broken'", "parameters", "temperature"),
            p -> assertThat(p).contains("bad.yaml", "experiment 'broken'", "coverage", "-0.5"),
            p -> assertThat(p).contains("bad.yaml", "experiment 'broken'", "weights", "3 weights for 2 variants"),
            p -> assertThat(p).contains("bad.yaml", "experiment 'broken'", "shadow.variant", "nope"),
            p -> assertThat(p).contains("bad.yaml", "experiment 'broken'", "shadow.fraction")));
  }

  @Test
  void malformedYamlNamesTheFileAndLine() throws IOException {
    Path file = Files.writeString(dir.resolve("broken.yaml"), "experiments:\n  - key: [unclosed\n");
    assertThatThrownBy(() -> Experiments.fromFile(file))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("broken.yaml:")
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void builderReportsWeightsThatDoNotMatchOrSumToOne() {
    assertThatThrownBy(() -> Experiment.builder("w").variant(Variant.of("a")).variant(Variant.of("b"))
            .weights(0.7, 0.7).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("experiment 'w': weights: must sum to 1");
    assertThatThrownBy(() -> Experiment.builder("one").variant(Variant.of("a")).build())
        .hasMessageContaining("experiment 'one': variants: needs at least 2");
    assertThatThrownBy(() -> Experiment.builder("dup").variant(Variant.of("a")).variant(Variant.of("a")).build())
        .hasMessageContaining("duplicate variant key 'a'");
    assertThatThrownBy(() -> Experiment.builder("f").variant(Variant.of("a")).variant(Variant.of("b"))
            .force("u", "zzz").override("yyy").hashVersion(3).build())
        .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).hasSize(3)
            .anySatisfy(p -> assertThat(p).contains("forced", "zzz"))
            .anySatisfy(p -> assertThat(p).contains("override", "yyy"))
            .anySatisfy(p -> assertThat(p).contains("hashVersion", "3")));
    assertThatThrownBy(() -> Experiment.builder("r").variant(Variant.of("a")).variant(Variant.of("b"))
            .weights(0.5, 0.5).ramp(new Experiment.Ramp("b", List.of(0.5, 0.2))).build())
        .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
            .anySatisfy(p -> assertThat(p).contains("weights: not allowed with a ramp"))
            .anySatisfy(p -> assertThat(p).contains("ramp.steps[1]")));
  }

  @Test
  void unknownModelsAndPromptsFailWhenKnown() {
    Experiment e = Experiment.builder("m").prompt("missing-prompt")
        .variant(Variant.of("a").withModel("smart")).variant(Variant.of("b").withModel("gpt-9")).build();
    assertThatThrownBy(() -> Experiments.builder().add(e).knownModels(List.of("smart", "cheap"))
            .knownPrompts(List.of("support-reply")).build())
        .isInstanceOfSatisfying(ConfigurationException.class, ex -> assertThat(ex.problems()).satisfiesExactlyInAnyOrder(
            p -> assertThat(p).contains("experiment 'm'", "variants['b'].model", "gpt-9"),
            p -> assertThat(p).contains("experiment 'm'", "prompt", "missing-prompt")));
  }

  @Test
  void duplicateExperimentKeysFail() {
    Experiment e = Experiment.builder("same").variant(Variant.of("a")).variant(Variant.of("b")).build();
    assertThatThrownBy(() -> Experiments.of(e, e))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("experiment 'same': key: defined twice");
  }
}
