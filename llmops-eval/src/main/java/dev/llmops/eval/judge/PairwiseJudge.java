package dev.llmops.eval.judge;

import dev.llmops.api.CallContext;
import dev.llmops.api.Completion;
import dev.llmops.api.Cost;
import dev.llmops.api.Money;
import dev.llmops.core.LlmClient;
import dev.llmops.eval.dataset.EvalCase;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Compares two answers to one case with a pairwise rubric prompt, asking twice with the order
 * swapped to cancel position bias (Zheng et al. 2023, as FastChat's {@code llm_judge} does): a
 * winner is declared only when both orders pick the same answer; a tie or a disagreement is a tie.
 *
 * <p>The rubric is rendered with the case's variables plus {@code answer_a}, {@code answer_b} and
 * {@code reference}, and must reply with exactly {@code {"winner": "A" | "B" | "tie", "reason":
 * "<text>"}}; a malformed reply fails the comparison's stage with an {@link IllegalStateException}
 * and is counted. Calls go through the judge's {@link LlmClient} with the given context and the
 * dataset in their fingerprint. Thread-safe.
 */
public final class PairwiseJudge {
  private final JudgeCall call;
  private final AtomicLong malformed = new AtomicLong();

  private PairwiseJudge(JudgeCall call) {
    this.call = call;
  }

  /**
   * A pairwise judge with the rubric {@code rubricPrompt} of {@code client}'s registry at its
   * default label.
   *
   * @throws IllegalStateException if the client has no prompt registry
   */
  public static PairwiseJudge of(LlmClient client, String rubricPrompt) {
    return new PairwiseJudge(new JudgeCall(client, rubricPrompt, null, null, null));
  }

  /** The same judge with its rubric at {@code label}. */
  public static PairwiseJudge of(LlmClient client, String rubricPrompt, @Nullable String label) {
    return new PairwiseJudge(new JudgeCall(client, rubricPrompt, label, null, null));
  }

  /** How many replies were not the JSON the rubric asks for. */
  public long malformedReplies() {
    return malformed.get();
  }

  /**
   * Judges {@code baseline} against {@code candidate} on {@code evalCase}, in both orders (the two
   * calls run concurrently).
   */
  public CompletableFuture<Preference> compare(
      EvalCase evalCase, String baseline, String candidate, CallContext context, String datasetId) {
    Objects.requireNonNull(evalCase, "evalCase");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(candidate, "candidate");
    CompletableFuture<Completion> first = call.call(vars(evalCase, baseline, candidate), context, datasetId);
    CompletableFuture<Completion> second = call.call(vars(evalCase, candidate, baseline), context, datasetId);
    return first.thenCombine(second, (a, b) -> {
      JudgeReplies.Choice one = parse(a);
      JudgeReplies.Choice two = parse(b);
      if (one == null || two == null) {
        throw new CompletionException(new IllegalStateException("pairwise judge reply malformed ("
            + (one == null ? "baseline" : "candidate") + " shown first): not {\"winner\": \"A\"|\"B\"|\"tie\", \"reason\": ...}"));
      }
      // In the first order A is the baseline; in the second, A is the candidate.
      Preference.Winner w1 = one.winner().equals("A") ? Preference.Winner.BASELINE
          : one.winner().equals("B") ? Preference.Winner.CANDIDATE : Preference.Winner.TIE;
      Preference.Winner w2 = two.winner().equals("A") ? Preference.Winner.CANDIDATE
          : two.winner().equals("B") ? Preference.Winner.BASELINE : Preference.Winner.TIE;
      boolean consistent = w1 == w2;
      Money cost = cost(a).plus(cost(b));
      return new Preference(consistent ? w1 : Preference.Winner.TIE, consistent, one.reason(), two.reason(), cost);
    });
  }

  private static Map<String, Object> vars(EvalCase c, String a, String b) {
    Map<String, Object> v = LlmJudge.variables(c);
    v.put("answer_a", a);
    v.put("answer_b", b);
    return v;
  }

  /** The reply, or null (counted) when it is malformed. */
  private JudgeReplies.@Nullable Choice parse(Completion c) {
    try {
      return JudgeReplies.choice(c.text());
    } catch (JudgeReplies.MalformedReply e) {
      malformed.incrementAndGet();
      return null;
    }
  }

  private static Money cost(Completion c) {
    return c.attribute(Cost.KEY).flatMap(Cost::amount).orElse(Money.ZERO);
  }
}
