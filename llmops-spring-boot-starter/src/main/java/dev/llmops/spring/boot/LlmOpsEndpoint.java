package dev.llmops.spring.boot;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.llmops.api.CallContext;
import dev.llmops.api.Money;
import dev.llmops.core.budget.Budget;
import dev.llmops.core.budget.BudgetStore;
import dev.llmops.core.budget.Budgets;
import dev.llmops.core.config.LlmOpsComponents;
import dev.llmops.core.experiment.Experiment;
import dev.llmops.core.experiment.Variant;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.prompt.PromptVersion;
import dev.llmops.core.resilience.Resilience;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code llmops} actuator endpoint ({@code GET /actuator/llmops} once exposed): a read-only
 * snapshot of what operators change at run time, namely which version each prompt label points
 * at, each experiment's status, variants, weights and ramp, each budget's limit and the spending of
 * one of its counters, and each model endpoint's circuit breaker state. It changes nothing and calls
 * no provider.
 *
 * <p>A budget is counted per scope value (per tenant, per user...); the optional parameters name
 * whose counter to show ({@code ?tenant=acme}); without one, a scoped budget shows the counter of
 * calls that lack the attribute ({@code tenant:(none)}). Amounts are decimal text (US dollars, or
 * tokens), so that no reader takes money for a binary float; fields without a value are left out
 * of the JSON (Jackson 2 and 3 both read the annotation saying so), whatever the application's
 * mapper does with nulls. A part that cannot be read now (a
 * prompt source or a shared budget store that is down) carries the exception's class name as its
 * {@code error}, never its message, which may name hosts; the other parts are still shown.
 * Thread-safe.
 */
@Endpoint(id = "llmops")
public final class LlmOpsEndpoint {
  private final LlmOpsComponents components;
  private final List<String> endpoints;
  private final Clock clock;

  private LlmOpsEndpoint(LlmOpsComponents components, List<String> endpoints, Clock clock) {
    this.components = components;
    this.endpoints = endpoints;
    this.clock = clock;
  }

  /**
   * An endpoint over what {@code components} assembled.
   *
   * @param components the assembled configuration the client was built from
   * @param endpoints the model endpoint names, whose circuit breakers are reported
   * @param clock the client's clock, which places budget windows
   * @return the endpoint
   */
  public static LlmOpsEndpoint of(LlmOpsComponents components, List<String> endpoints, Clock clock) {
    return new LlmOpsEndpoint(
        Objects.requireNonNull(components, "components"), List.copyOf(endpoints), Objects.requireNonNull(clock, "clock"));
  }

  /**
   * The snapshot. Every parameter is optional (a query parameter over HTTP): JSpecify's {@code
   * Nullable} is what the actuator reads as optional.
   *
   * @param tenant whose counters scoped-by-tenant budgets show, or null
   * @param subject whose counters scoped-by-subject budgets show, or null
   * @param apiKey whose counters scoped-by-API-key budgets show, or null
   * @param feature whose counters scoped-by-feature budgets show, or null
   * @return prompts, experiments, budgets and circuit breakers
   */
  @ReadOperation
  public Snapshot snapshot(
      @Nullable String tenant,
      @Nullable String subject,
      @Nullable String apiKey,
      @Nullable String feature) {
    CallContext context = CallContext.empty();
    if (tenant != null) {
      context = context.withTenant(tenant);
    }
    if (subject != null) {
      context = context.withSubject(subject);
    }
    if (apiKey != null) {
      context = context.withApiKeyId(apiKey);
    }
    if (feature != null) {
      context = context.withFeature(feature);
    }
    return new Snapshot(prompts(), experiments(), budgets(context, clock.instant()), circuitBreakers());
  }

  private Map<String, PromptLabels> prompts() {
    Map<String, PromptLabels> out = new LinkedHashMap<>();
    PromptRegistry registry = components.prompts().orElse(null);
    if (registry == null) {
      return out;
    }
    for (String name : registry.names()) {
      try {
        List<PromptVersion> versions = registry.versions(name);
        int latest = versions.isEmpty() ? 0 : versions.get(versions.size() - 1).version();
        out.put(name, new PromptLabels(registry.labels(name), latest, null));
      } catch (RuntimeException e) {
        // One prompt the source cannot serve any more must not hide the others.
        out.put(name, new PromptLabels(Map.of(), 0, e.getClass().getSimpleName()));
      }
    }
    return out;
  }

  private Map<String, ExperimentState> experiments() {
    Map<String, ExperimentState> out = new LinkedHashMap<>();
    components.experiments().ifPresent(experiments -> {
      for (Experiment x : experiments.all()) {
        List<VariantWeight> variants = new ArrayList<>();
        for (int i = 0; i < x.variants().size(); i++) {
          Variant v = x.variants().get(i);
          variants.add(new VariantWeight(v.key(), x.weights().get(i), v.model(), v.promptLabel(), v.promptVersion()));
        }
        Experiment.Ramp ramp = x.ramp();
        out.put(x.key(), new ExperimentState(x.status().name(), variants, x.coverage(),
            ramp == null ? null : new RampState(ramp.variant(), ramp.steps(), x.rampStep()),
            x.override(), x.prompt(), x.feature()));
      }
    });
    return out;
  }

  private List<BudgetSpend> budgets(CallContext context, Instant now) {
    List<BudgetSpend> out = new ArrayList<>();
    Budgets budgets = components.budgets().orElse(null);
    if (budgets == null) {
      return out;
    }
    for (Budget b : budgets.budgets()) {
      String start = b.window().isRolling() ? "rolling" : b.window().start(now).toString();
      try {
        BudgetStore.Balance balance = budgets.balance(b, context, now);
        out.add(new BudgetSpend(b.name(), b.scope().name(), b.scope().key(context), unit(b), amount(b, b.limit()),
            amount(b, balance.spent()), amount(b, balance.reserved()), amount(b, Math.max(0, b.limit() - balance.committed())),
            b.window().toString(), start, b.hard(), null));
      } catch (RuntimeException e) {
        // A shared store that is down: say so for this budget, show the others.
        out.add(new BudgetSpend(b.name(), b.scope().name(), b.scope().key(context), unit(b), amount(b, b.limit()),
            null, null, null, b.window().toString(), start, b.hard(), e.getClass().getSimpleName()));
      }
    }
    return out;
  }

  private static String unit(Budget b) {
    return b.unit() == Budget.Unit.MONEY ? "USD" : "tokens";
  }

  /** A counter value as decimal text: nano-dollars as dollars, tokens as they are. */
  private static String amount(Budget b, long counter) {
    return b.unit() == Budget.Unit.MONEY ? Money.ofNanos(counter).amount().toPlainString() : Long.toString(counter);
  }

  private Map<String, String> circuitBreakers() {
    Map<String, String> out = new LinkedHashMap<>();
    Resilience resilience = components.resilience().orElse(null);
    if (resilience != null) {
      endpoints.forEach(e -> out.put(e, resilience.circuitState(e).name()));
    }
    return out;
  }

  /**
   * What the endpoint shows; each part is empty when its section is not configured.
   *
   * @param prompts per prompt name, its labels
   * @param experiments per experiment key, its state
   * @param budgets each budget, with the counter the request's parameters select
   * @param circuitBreakers per model endpoint, its breaker state ({@code CLOSED}, {@code OPEN},
   *     {@code HALF_OPEN}); empty without a {@code resilience} section
   */
  public record Snapshot(
      Map<String, PromptLabels> prompts,
      Map<String, ExperimentState> experiments,
      List<BudgetSpend> budgets,
      Map<String, String> circuitBreakers) {}

  /**
   * A prompt's labels.
   *
   * @param labels label to the version it points at ({@code latest}, implicit, not included)
   * @param latest the highest version
   * @param error the class name of the exception that kept the prompt from being read now, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PromptLabels(Map<String, Integer> labels, int latest, @Nullable String error) {}

  /**
   * An experiment's state.
   *
   * @param status {@code RUNNING}, {@code STOPPED} or {@code KILLED}
   * @param variants the variants and the weights in force, control first
   * @param coverage the share of subjects enrolled
   * @param ramp the canary ramp, or null
   * @param override the variant every call is sent to, or null
   * @param prompt the prompt the experiment applies to, or null for any
   * @param feature the feature the experiment applies to, or null for any
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ExperimentState(
      String status,
      List<VariantWeight> variants,
      double coverage,
      @Nullable RampState ramp,
      @Nullable String override,
      @Nullable String prompt,
      @Nullable String feature) {}

  /**
   * A variant and its weight.
   *
   * @param key the variant's key
   * @param weight its weight in force, in {@code [0, 1]}
   * @param model the model endpoint it sends calls to, or null
   * @param promptLabel the prompt label it pins, or null
   * @param promptVersion the prompt version it pins, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record VariantWeight(
      String key, double weight, @Nullable String model, @Nullable String promptLabel, @Nullable Integer promptVersion) {}

  /**
   * A canary ramp.
   *
   * @param variant the canary variant
   * @param steps its weights, step by step
   * @param step the current step's index, -1 when rolled back
   */
  public record RampState(String variant, List<Double> steps, int step) {}

  /**
   * A budget and one of its counters.
   *
   * @param name the budget's name
   * @param scope what it is counted per ({@code GLOBAL}, {@code TENANT}, ...)
   * @param counter the scope value shown, such as {@code tenant:acme} or {@code global:*}
   * @param unit {@code USD} or {@code tokens}
   * @param limit the limit per window, decimal text
   * @param spent settled spending in the current window, or null when the store could not be read
   * @param reserved reservations of calls in flight, or null when the store could not be read
   * @param remaining what is left ({@code limit - spent - reserved}, at least 0), or null when
   *     the store could not be read
   * @param window the window, such as {@code per day}
   * @param windowStart the current window's start (ISO-8601), or {@code rolling}
   * @param hard true when admission never lets calls pass the limit
   * @param error the class name of the exception that kept the counter from being read (a shared
   *     store down), or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record BudgetSpend(
      String name,
      String scope,
      String counter,
      String unit,
      String limit,
      @Nullable String spent,
      @Nullable String reserved,
      @Nullable String remaining,
      String window,
      String windowStart,
      boolean hard,
      @Nullable String error) {}
}
