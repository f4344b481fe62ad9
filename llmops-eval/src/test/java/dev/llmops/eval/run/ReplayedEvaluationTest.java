package dev.llmops.eval.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.core.LlmClient;
import dev.llmops.eval.Fixtures;
import dev.llmops.eval.dataset.Dataset;
import dev.llmops.eval.evaluator.Evaluators;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.replay.Cassette;
import dev.llmops.testkit.replay.ReplayMissException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An evaluation recorded once against a "provider" runs offline on the replay with the same outcome. */
class ReplayedEvaluationTest {
  @TempDir Path dir;

  @Test
  void anEvaluationRunsOfflineOnItsRecording() {
    Cassette cassette = Cassette.of(dir.resolve("capitals.jsonl"));
    Dataset dataset = Fixtures.questions(6);
    Fixtures live = new Fixtures();
    FakeChatModel provider = live.capitals(Duration.ZERO);
    RunResult recorded;
    try (LlmClient client = live.client(cassette.record(provider)).build()) {
      recorded = EvalRunner.builder(client).evaluators(Evaluators.contains("Paris")).build().run(dataset, Candidate.prompt("qa"));
    }
    assertThat(provider.callCount()).isEqualTo(6);

    Fixtures offline = new Fixtures();
    try (LlmClient client = LlmClient.builder().model("fake", cassette.replay())
        .prompts(offline.prompts()).build()) {
      EvalRunner runner = EvalRunner.builder(client).evaluators(Evaluators.contains("Paris")).build();
      RunResult replayed = runner.run(dataset, Candidate.prompt("qa"));
      assertThat(replayed.passed()).isEqualTo(recorded.passed()).isEqualTo(6);
      assertThat(replayed.outcomes()).extracting(CaseOutcome::answer)
          .containsExactlyElementsOf(recorded.outcomes().stream().map(CaseOutcome::answer).toList());
      // A changed candidate asks what was never recorded: the case fails naming the request.
      RunResult drifted = runner.run(dataset, Candidate.prompt("qa").withLabel("candidate"));
      assertThat(drifted.outcome("q-0").orElseThrow().failures())
          .startsWith("error: " + ReplayMissException.class.getSimpleName() + ": replay miss: no recording of request ");
    }
  }
}
