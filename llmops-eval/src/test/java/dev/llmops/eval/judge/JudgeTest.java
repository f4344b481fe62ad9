package dev.llmops.eval.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.core.LlmClient;
import dev.llmops.eval.Fixtures;
import dev.llmops.eval.dataset.Dataset;
import dev.llmops.eval.dataset.EvalCase;
import dev.llmops.eval.evaluator.Answer;
import dev.llmops.eval.evaluator.Sample;
import dev.llmops.eval.evaluator.Score;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.FakeReply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class JudgeTest {
  private final Fixtures f = new Fixtures();
  private static final EvalCase CASE = EvalCase.builder("c-1").variable("question", "Capital of France?").reference("Paris").build();

  private Score grade(String reply) {
    FakeChatModel judgeModel = FakeChatModel.create();
    judgeModel.reply(reply);
    try (LlmClient client = f.client(judgeModel).build()) {
      LlmJudge judge = LlmJudge.builder(client, "judge").build();
      return judge.evaluate(new Sample("d@1", CASE, Answer.ofText("Paris."), 0, CallContext.empty()))
          .toCompletableFuture().join();
    }
  }

  @Test
  void theJudgeRendersItsRubricFromTheRegistryAndRecordsTheDataset() {
    FakeChatModel judgeModel = FakeChatModel.builder().recordRequests(true).build();
    judgeModel.reply("{\"score\": 0.9, \"reason\": \"states the reference\"}");
    try (LlmClient client = f.client(judgeModel).build()) {
      LlmJudge judge = LlmJudge.builder(client, "judge").passThreshold(0.8).build();
      Score s = judge.evaluate(new Sample("capitals@0011", CASE, Answer.ofText("Paris."), 0, CallContext.empty()))
          .toCompletableFuture().join();
      assertThat(s.passed()).isTrue();
      assertThat(s.value()).isEqualTo(0.9);
      assertThat(s.reason()).isEqualTo("states the reference (judge 0.9/1)");
      ChatRequest sent = judgeModel.lastRequest();
      assertThat(sent.messages().get(0).content()).startsWith("Grade the answer against the reference.");
      assertThat(sent.lastUserMessage()).isEqualTo("Question: Capital of France?\nReference: Paris\nAnswer: Paris.");
    }
    assertThat(f.fingerprints).singleElement().satisfies(fp -> {
      assertThat(fp.promptName()).isEqualTo("judge");
      assertThat(fp.promptVersion()).isEqualTo(1);
      assertThat(fp.dataset()).isEqualTo("capitals@0011");
    });
  }

  @Test
  void repliesAreParsedStrictly() {
    assertThat(grade("{\"score\": 1, \"reason\": \"fine\"}").passed()).isTrue();
    for (String bad : List.of(
        "```json\n{\"score\": 1, \"reason\": \"fine\"}\n```",
        "Sure! {\"score\": 1, \"reason\": \"fine\"}",
        "{\"score\": 1, \"reason\": \"fine\", \"confidence\": 0.8}",
        "{\"score\": \"1\", \"reason\": \"fine\"}",
        "{\"score\": 1.5, \"reason\": \"fine\"}",
        "{\"score\": 1, \"reason\": \"\"}",
        "{\"score\": 1, \"score\": 0, \"reason\": \"twice\"}")) {
      Score s = grade(bad);
      assertThat(s.passed()).as(bad).isFalse();
      assertThat(s.reason()).as(bad).startsWith("judge reply malformed: ");
    }
  }

  @Test
  void aScaleIsMappedToTheUnitInterval() {
    FakeChatModel judgeModel = FakeChatModel.create();
    judgeModel.reply("{\"score\": 4, \"reason\": \"most facts\"}");
    try (LlmClient client = f.client(judgeModel).build()) {
      LlmJudge judge = LlmJudge.builder(client, "judge").scale(1, 5).passThreshold(0.8).build();
      Score s = judge.evaluate(new Sample("d@1", CASE, Answer.ofText("x"), 0, CallContext.empty())).toCompletableFuture().join();
      assertThat(s.value()).isEqualTo(0.75);
      assertThat(s.passed()).isFalse();
      assertThat(judge.malformedReplies()).isZero();
    }
  }

  @Test
  void aJudgeNeedsARegistry() {
    try (LlmClient client = LlmClient.builder().model("m", FakeChatModel.create()).build()) {
      assertThatThrownBy(() -> LlmJudge.builder(client, "judge").build())
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("prompt registry");
    }
  }

  /** A position-biased judge always prefers whatever is shown first. */
  @Test
  void pairwiseSwapsTheOrderAndDeclaresAWinnerOnlyWhenBothOrdersAgree() {
    FakeChatModel biased = FakeChatModel.create();
    biased.when(r -> true).reply("{\"winner\": \"A\", \"reason\": \"first is better\"}");
    FakeChatModel fair = FakeChatModel.create();
    fair.when(r -> true).answer(r -> FakeReply.text(r.lastUserMessage().contains("A: Paris")
        ? "{\"winner\": \"A\", \"reason\": \"correct\"}" : "{\"winner\": \"B\", \"reason\": \"correct\"}"));
    try (LlmClient b = f.client(biased).build(); LlmClient g = f.client(fair).build()) {
      Preference p1 = PairwiseJudge.of(b, "pairwise").compare(CASE, "Lyon", "Paris", CallContext.empty(), "d@1").join();
      assertThat(p1.winner()).isEqualTo(Preference.Winner.TIE);
      assertThat(p1.consistent()).isFalse();
      Preference p2 = PairwiseJudge.of(g, "pairwise").compare(CASE, "Lyon", "Paris", CallContext.empty(), "d@1").join();
      assertThat(p2.winner()).isEqualTo(Preference.Winner.CANDIDATE);
      assertThat(p2.consistent()).isTrue();
      Preference p3 = PairwiseJudge.of(g, "pairwise").compare(CASE, "Paris", "Lyon", CallContext.empty(), "d@1").join();
      assertThat(p3.winner()).isEqualTo(Preference.Winner.BASELINE);
    }
  }

  @Test
  void aMalformedPairwiseReplyFailsTheComparison() {
    FakeChatModel model = FakeChatModel.create();
    model.when(r -> true).reply("{\"winner\": \"first\", \"reason\": \"x\"}");
    try (LlmClient client = f.client(model).build()) {
      PairwiseJudge judge = PairwiseJudge.of(client, "pairwise");
      assertThatThrownBy(() -> judge.compare(CASE, "a", "b", CallContext.empty(), "d@1").join())
          .isInstanceOf(CompletionException.class).hasMessageContaining("pairwise judge reply malformed");
      assertThat(judge.malformedReplies()).isEqualTo(2);
    }
  }

  @Test
  void calibrationComparesTheJudgeWithPeopleOnTheAnswersTheyGraded() {
    List<EvalCase> cases = new ArrayList<>();
    String[][] rows = {{"Paris", "pass"}, {"Lyon", "fail"}, {"Paris, France", "pass"}, {"Marseille", "pass"}};
    for (int i = 0; i < rows.length; i++) {
      cases.add(EvalCase.builder("h-" + i).variable("question", "Capital of France?").reference("Paris")
          .metadata(JudgeCalibration.ANSWER_KEY, rows[i][0]).humanLabel(rows[i][1]).build());
    }
    cases.add(EvalCase.builder("unlabelled").variable("question", "?").build());
    FakeChatModel model = FakeChatModel.create();
    model.when(r -> true).answer(r -> FakeReply.text(r.lastUserMessage().contains("Answer: Paris")
        ? "{\"score\": 1, \"reason\": \"right\"}" : "{\"score\": 0, \"reason\": \"wrong\"}"));
    try (LlmClient client = f.client(model).build()) {
      JudgeCalibration c = JudgeCalibration.run(LlmJudge.builder(client, "judge").build(), Dataset.of("cal", cases),
          CallContext.empty()).join();
      assertThat(c.agreement().items()).isEqualTo(4);
      assertThat(c.agreement().observed()).isEqualTo(0.75);
      assertThat(c.disagreements()).containsExactly("h-3");
      assertThat(c.confusion()).containsEntry("pass", java.util.Map.of("pass", 2, "fail", 1))
          .containsEntry("fail", java.util.Map.of("fail", 1));
      // po 3/4; human pass 3/4, judge pass 2/4: pe = 3/4 * 2/4 + 1/4 * 2/4 = 1/2; kappa = 1/2.
      assertThat(c.agreement().kappa()).isEqualTo(0.5);
    }
  }
}
