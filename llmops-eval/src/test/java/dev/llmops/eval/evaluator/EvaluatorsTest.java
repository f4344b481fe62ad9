package dev.llmops.eval.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.CallContext;
import dev.llmops.api.FinishReason;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import dev.llmops.core.redaction.Redactor;
import dev.llmops.eval.dataset.EvalCase;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EvaluatorsTest {
  private static final EvalCase CASE = EvalCase.builder("c").variable("q", "x").reference("42")
      .metadata("must", List.of("refund", "14 days")).metadata("never", "password").build();

  private static Score score(Evaluator e, String answer) {
    return e.evaluate(new Sample("d@v", CASE, Answer.ofText(answer), 0, CallContext.empty())).toCompletableFuture().join();
  }

  private static Score score(Evaluator e, Answer answer) {
    return e.evaluate(new Sample("d@v", CASE, answer, 0, CallContext.empty())).toCompletableFuture().join();
  }

  @Test
  void matches() {
    assertThat(score(Evaluators.exactMatch(), "42").passed()).isTrue();
    assertThat(score(Evaluators.exactMatch(), "42.").passed()).isFalse();
    assertThat(score(Evaluators.normalisedMatch(), " 42. ").passed()).isTrue();
    Sample noRef = new Sample("d@v", EvalCase.builder("n").variable("q", "x").build(), Answer.ofText("x"), 0,
        CallContext.empty());
    assertThat(Evaluators.exactMatch().evaluate(noRef).toCompletableFuture().join().reason()).contains("has no reference");
  }

  @Test
  void containsScoresTheShareFoundAndNamesWhatIsMissing() {
    Score half = score(Evaluators.containsFromMetadata("must"), "We issue a REFUND soon.");
    assertThat(half.passed()).isFalse();
    assertThat(half.value()).isEqualTo(0.5);
    assertThat(half.reason()).isEqualTo("missing '14 days'");
    assertThat(score(Evaluators.containsFromMetadata("must"), "Refund within 14 days.").passed()).isTrue();
    assertThat(score(Evaluators.doesNotContainFromMetadata("never"), "Send your Password").reason()).isEqualTo("contains 'password'");
    assertThat(score(Evaluators.doesNotContain("secret"), "fine").passed()).isTrue();
  }

  @Test
  void regexAndLength() {
    assertThat(score(Evaluators.regex(Pattern.compile("\\bSUP-\\d+\\b")), "see SUP-12").passed()).isTrue();
    assertThat(score(Evaluators.regex(Pattern.compile("\\bSUP-\\d+\\b")), "see SUP").passed()).isFalse();
    assertThat(score(Evaluators.length(2, 5), "abc").passed()).isTrue();
    assertThat(score(Evaluators.length(2, 5), "abcdef").reason()).isEqualTo("6 characters, outside [2, 5]");
    assertThatThrownBy(() -> Evaluators.length(5, 2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jsonAndJsonSchema() {
    assertThat(score(Evaluators.validJson(), " {\"a\": 1} ").passed()).isTrue();
    assertThat(score(Evaluators.validJson(), "```json\n{\"a\": 1}\n```").passed()).isFalse();
    assertThat(score(Evaluators.validJson(), "{\"a\": 1} trailing").passed()).isFalse();
    Evaluator schema = Evaluators.jsonSchema("""
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
         "required": ["intent", "priority"], "additionalProperties": false,
         "properties": {"intent": {"enum": ["refund", "shipping"]}, "priority": {"type": "integer", "minimum": 1}}}""");
    assertThat(score(schema, "{\"intent\": \"refund\", \"priority\": 2}").passed()).isTrue();
    Score bad = score(schema, "{\"intent\": \"other\", \"priority\": 0, \"x\": 1}");
    assertThat(bad.passed()).isFalse();
    assertThat(bad.reason()).startsWith("3 schema violation(s)").contains("/intent enum", "/priority minimum");
    assertThat(score(schema, "not json").reason()).startsWith("not valid JSON");
    assertThatThrownBy(() -> Evaluators.jsonSchema("{")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void numericWithinTolerance() {
    assertThat(score(Evaluators.numeric(0.5), "The answer is 42.4 units").passed()).isTrue();
    assertThat(score(Evaluators.numeric(0.5), "It is 1,042").reason()).isEqualTo("1042.0 is 1000.0 from 42.0 (tolerance 0.5)");
    assertThat(score(Evaluators.numeric(0.5), "no idea").reason()).isEqualTo("no number in the answer");
  }

  @Test
  void refusals() {
    assertThat(Evaluators.isRefusal("I’m sorry, but I can’t help with that.")).isTrue();
    assertThat(Evaluators.isRefusal("Sorry for the delay, here is your refund.")).isFalse();
    assertThat(score(Evaluators.noRefusal(), "As an AI, I cannot share that").reason()).isEqualTo("refused a question it should answer");
    assertThat(score(Evaluators.refusal(c -> true), "Here you go").reason()).isEqualTo("answered where it should refuse");
  }

  @Test
  void noPiiNamesKindsNeverValues() {
    Score s = score(Evaluators.noPii(Redactor.defaults()), "Write to jane.doe@example.com or call 415-555-0199.");
    assertThat(s.passed()).isFalse();
    assertThat(s.reason()).contains("EMAIL").doesNotContain("jane.doe");
    assertThat(score(Evaluators.noPii(Redactor.defaults()), "Your order ships Monday.").passed()).isTrue();
  }

  @Test
  void costAndLatencyBounds() {
    Answer cheap = new Answer("x", FinishReason.STOP, Usage.of(1, 1), Money.usd("0.001"), Duration.ofMillis(300), null);
    assertThat(score(Evaluators.costAtMost(Money.usd("0.002")), cheap).passed()).isTrue();
    assertThat(score(Evaluators.costAtMost(Money.usd("0.0005")), cheap).passed()).isFalse();
    assertThat(score(Evaluators.costAtMost(Money.usd("1")), Answer.ofText("x")).reason()).startsWith("cost unknown");
    assertThat(score(Evaluators.latencyAtMost(Duration.ofMillis(250)), cheap).reason()).isEqualTo("300 ms > 250 ms");
  }

  @Test
  void referenceMetricsScoreAndPassAtTheirThreshold() {
    Score f1 = score(Evaluators.tokenF1(0.6), "the answer is 42"); // P 1/3, R 1: F1 0.5
    assertThat(f1.value()).isEqualTo(0.5);
    assertThat(f1.passed()).isFalse();
    assertThat(score(Evaluators.rougeL(0.1), "42").passed()).isTrue();
  }

  @Test
  void scoresAreChecked() {
    assertThatThrownBy(() -> new Score(1.2, true, "x", Money.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Score.fail("x".repeat(500)).reason()).hasSize(Score.MAX_REASON);
  }
}
