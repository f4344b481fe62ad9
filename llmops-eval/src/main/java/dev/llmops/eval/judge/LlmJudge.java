package dev.llmops.eval.judge;

import dev.llmops.api.Completion;
import dev.llmops.api.Cost;
import dev.llmops.api.Money;
import dev.llmops.core.LlmClient;
import dev.llmops.eval.dataset.EvalCase;
import dev.llmops.eval.evaluator.Evaluator;
import dev.llmops.eval.evaluator.Sample;
import dev.llmops.eval.evaluator.Score;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * An LLM judge: grades an answer with a rubric prompt from the judge client's prompt registry, so
 * the rubric is versioned like any prompt. The call goes through the judge's {@link LlmClient}
 * (costed, budgeted, cached and fingerprinted like every call; its cost is the score's) with the
 * run's context and the dataset in its fingerprint.
 *
 * <p>The rubric is rendered with the case's variables plus {@code answer} (the answer to grade)
 * and {@code reference} (the case's reference, or empty); these two replace case variables of the
 * same name. It must reply with exactly {@code {"score": <number>, "reason": "<text>"}}, the score
 * on the judge's scale (default [0, 1]); the reply is parsed strictly, and anything else fails the
 * answer with the reason "judge reply malformed", counted in {@link #malformedReplies()}. The
 * score, mapped to [0, 1], passes at {@link Builder#passThreshold} (default 0.5). Thread-safe.
 */
public final class LlmJudge implements Evaluator {
  private final String name;
  private final JudgeCall call;
  private final double min;
  private final double max;
  private final double passThreshold;
  private final AtomicLong malformed = new AtomicLong();

  private LlmJudge(Builder b) {
    this.name = b.name != null ? b.name : "judge:" + b.prompt;
    this.call = new JudgeCall(b.client, b.prompt, b.label, b.version, b.responseFormatJson);
    this.min = b.min;
    this.max = b.max;
    this.passThreshold = b.passThreshold;
  }

  /** A builder for a judge whose rubric is the prompt {@code rubricPrompt} of {@code client}'s registry. */
  public static Builder builder(LlmClient client, String rubricPrompt) {
    return new Builder(client, rubricPrompt);
  }

  @Override
  public String name() {
    return name;
  }

  /** How many replies were not the JSON the rubric asks for. */
  public long malformedReplies() {
    return malformed.get();
  }

  @Override
  public CompletionStage<Score> evaluate(Sample sample) {
    Map<String, Object> variables = variables(sample.evalCase());
    variables.put("answer", sample.answer().text());
    return call.call(variables, sample.context(), sample.datasetId()).thenApply(this::grade);
  }

  static Map<String, Object> variables(EvalCase c) {
    Map<String, Object> variables = new LinkedHashMap<>(c.variables());
    String reference = c.reference();
    variables.put("reference", reference == null ? "" : reference);
    return variables;
  }

  private Score grade(Completion completion) {
    Money cost = completion.attribute(Cost.KEY).flatMap(Cost::amount).orElse(Money.ZERO);
    JudgeReplies.Grade g;
    try {
      g = JudgeReplies.grade(completion.text(), min, max);
    } catch (JudgeReplies.MalformedReply e) {
      malformed.incrementAndGet();
      return Score.fail("judge reply malformed: " + e.getMessage()).withCost(cost);
    }
    double value = max == min ? 1 : (g.score() - min) / (max - min);
    String reason = String.format(Locale.ROOT, "%s (judge %s/%s)", g.reason(), trim(g.score()), trim(max));
    return Score.of(value, passThreshold, reason).withCost(cost);
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  @Override
  public String toString() {
    return "LlmJudge[" + name + ", rubric " + call.prompt() + "]";
  }

  /** Builds an {@link LlmJudge}. Setters validate at once; not thread-safe. */
  public static final class Builder {
    private final LlmClient client;
    private final String prompt;
    private @Nullable String label;
    private @Nullable Integer version;
    private @Nullable String name;
    private @Nullable String responseFormatJson;
    private double min = 0;
    private double max = 1;
    private double passThreshold = 0.5;

    private Builder(LlmClient client, String prompt) {
      this.client = Objects.requireNonNull(client, "client");
      this.prompt = Objects.requireNonNull(prompt, "rubricPrompt");
    }

    /** Resolves the rubric at this label (default: the registry's default label). */
    public Builder label(String label) {
      this.label = Objects.requireNonNull(label, "label");
      this.version = null;
      return this;
    }

    /**
     * Pins the rubric to an exact version.
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder version(int version) {
      if (version < 1) {
        throw new IllegalArgumentException("version must be >= 1 but was " + version);
      }
      this.version = version;
      return this;
    }

    /** The evaluator's name (default {@code judge:<rubric prompt>}). */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * The scale the rubric scores on, for example 1 to 10 (default 0 to 1); scores are mapped to
     * [0, 1].
     *
     * @throws IllegalArgumentException if {@code max <= min}
     */
    public Builder scale(double min, double max) {
      if (!(max > min)) {
        throw new IllegalArgumentException("scale needs min < max but had " + min + " and " + max);
      }
      this.min = min;
      this.max = max;
      return this;
    }

    /**
     * The mapped score at or above which an answer passes (default 0.5).
     *
     * @throws IllegalArgumentException if outside [0, 1]
     */
    public Builder passThreshold(double threshold) {
      if (!(threshold >= 0 && threshold <= 1)) {
        throw new IllegalArgumentException("passThreshold must be in [0, 1] but was " + threshold);
      }
      this.passThreshold = threshold;
      return this;
    }

    /** A structured-output format in the judge provider's format, to force JSON replies (default none). */
    public Builder responseFormatJson(String json) {
      this.responseFormatJson = Objects.requireNonNull(json, "json");
      return this;
    }

    /**
     * Builds the judge.
     *
     * @throws IllegalStateException if the client has no prompt registry
     */
    public LlmJudge build() {
      return new LlmJudge(this);
    }
  }
}
