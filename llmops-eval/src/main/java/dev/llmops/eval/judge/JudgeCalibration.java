package dev.llmops.eval.judge;

import dev.llmops.api.CallContext;
import dev.llmops.eval.dataset.Dataset;
import dev.llmops.eval.dataset.DatasetFormatException;
import dev.llmops.eval.dataset.EvalCase;
import dev.llmops.eval.evaluator.Answer;
import dev.llmops.eval.evaluator.Sample;
import dev.llmops.eval.stats.Agreement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * How well a judge agrees with people: for each case that carries a human label ({@code pass} or
 * {@code fail}) and, in its metadata under {@value #ANSWER_KEY}, the answer the person graded, the
 * judge grades the same answer; the report gives observed agreement, Cohen's kappa, the confusion
 * counts and the cases where they disagree. Immutable.
 *
 * @param judge the judge's name
 * @param agreement agreement and Cohen's kappa, judge against people
 * @param confusion counts by human label, then judge label
 * @param disagreements ids of the cases where the judge and the person disagree, in dataset order
 */
public record JudgeCalibration(
    String judge, Agreement agreement, Map<String, Map<String, Integer>> confusion, List<String> disagreements) {

  /** The metadata key of the answer a person graded. */
  public static final String ANSWER_KEY = "answer";

  /** Checks and copies the components. */
  public JudgeCalibration {
    Objects.requireNonNull(judge, "judge");
    Objects.requireNonNull(agreement, "agreement");
    Map<String, Map<String, Integer>> copy = new TreeMap<>();
    confusion.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
    confusion = Map.copyOf(copy);
    disagreements = List.copyOf(disagreements);
  }

  /**
   * Grades every human-labelled case of {@code dataset} with {@code judge} (all at once, through
   * the judge's client) and compares.
   *
   * @throws DatasetFormatException if a labelled case has no answer in its metadata
   * @throws IllegalArgumentException if no case is labelled
   */
  public static CompletableFuture<JudgeCalibration> run(LlmJudge judge, Dataset dataset, CallContext context) {
    List<EvalCase> labelled = new ArrayList<>();
    try (Stream<EvalCase> cases = dataset.cases()) {
      cases.filter(c -> c.humanLabel() != null).forEach(labelled::add);
    }
    if (labelled.isEmpty()) {
      throw new IllegalArgumentException("dataset " + dataset.id() + " has no case with a human label");
    }
    List<CompletableFuture<String>> grades = new ArrayList<>();
    for (EvalCase c : labelled) {
      String answer = c.metadataText(ANSWER_KEY);
      if (answer == null) {
        throw new DatasetFormatException(dataset.source(), 0, "metadata." + ANSWER_KEY,
            "case '" + c.id() + "' has a human label but not the answer it grades");
      }
      Sample s = new Sample(dataset.id(), c, Answer.ofText(answer), 0, context);
      grades.add(judge.evaluate(s).toCompletableFuture().thenApply(score -> score.passed() ? "pass" : "fail"));
    }
    return CompletableFuture.allOf(grades.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
      List<String> ids = new ArrayList<>();
      List<String> human = new ArrayList<>();
      List<String> judged = new ArrayList<>();
      for (int i = 0; i < labelled.size(); i++) {
        ids.add(labelled.get(i).id());
        human.add(Objects.requireNonNull(labelled.get(i).humanLabel(), "label").toLowerCase(Locale.ROOT));
        judged.add(grades.get(i).join());
      }
      return of(judge.name(), ids, human, judged);
    });
  }

  /**
   * The calibration of labels already collected.
   *
   * @throws IllegalArgumentException if the lists differ in length or are empty
   */
  public static JudgeCalibration of(String judge, List<String> caseIds, List<String> human, List<String> judged) {
    if (caseIds.size() != human.size() || human.size() != judged.size()) {
      throw new IllegalArgumentException("need one human and one judge label per case");
    }
    Agreement agreement = Agreement.cohen(human, judged);
    Map<String, Map<String, Integer>> confusion = new TreeMap<>();
    List<String> disagreements = new ArrayList<>();
    for (int i = 0; i < caseIds.size(); i++) {
      confusion.computeIfAbsent(human.get(i), k -> new TreeMap<>()).merge(judged.get(i), 1, Integer::sum);
      if (!human.get(i).equals(judged.get(i))) {
        disagreements.add(caseIds.get(i));
      }
    }
    return new JudgeCalibration(judge, agreement, confusion, disagreements);
  }

  /** One line: items, agreement, kappa. */
  public String summary() {
    return String.format(Locale.ROOT, "judge %s against %d human labels: agreement %.1f%%, Cohen's kappa %.3f%s",
        judge, agreement.items(), 100 * agreement.observed(), agreement.kappa(),
        disagreements.isEmpty() ? "" : "; disagrees on " + String.join(", ", disagreements));
  }
}
