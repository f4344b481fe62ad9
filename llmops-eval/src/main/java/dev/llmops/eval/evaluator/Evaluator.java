package dev.llmops.eval.evaluator;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Judges one answer: a {@link Score} in [0, 1], pass/fail, a short reason. The SPI of every check,
 * from an exact match to an LLM judge.
 *
 * <p>Implementations are thread-safe: a run evaluates many answers at once. A local check returns a
 * completed stage; one that calls a model (a judge) returns the call's stage and never blocks. An
 * evaluator that throws or whose stage fails makes that answer fail, with the exception's type as
 * the reason.
 */
public interface Evaluator {

  /** A short stable name, unique within a run (a report's column, a results file's key). */
  String name();

  /** Evaluates one answer. */
  CompletionStage<Score> evaluate(Sample sample);

  /** An evaluator from a name and a local check. */
  static Evaluator of(String name, Function<Sample, Score> check) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(check, "check");
    if (name.isBlank()) {
      throw new IllegalArgumentException("evaluator name must not be blank");
    }
    return new Evaluator() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public CompletionStage<Score> evaluate(Sample sample) {
        return CompletableFuture.completedFuture(check.apply(sample));
      }

      @Override
      public String toString() {
        return "Evaluator[" + name + "]";
      }
    };
  }
}
