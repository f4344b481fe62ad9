package dev.llmops.core.config;

import dev.llmops.core.LlmClient;
import dev.llmops.core.audit.AuditLog;
import dev.llmops.core.budget.Budgets;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.redaction.Redactor;
import dev.llmops.core.resilience.Resilience;
import dev.llmops.core.transcript.TranscriptStore;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link LlmOpsConfig#assemble} made from a configuration: a pre-configured client builder
 * and the components an application operates at run time (promote a prompt, ramp a canary, read
 * transcripts). Each optional component is present when its section turned it on.
 *
 * <p>The builder is the application's to finish: add interceptors, listeners or further models,
 * then {@code build()}. The components are shared by every client built from it.
 */
public final class LlmOpsComponents {
  private final LlmClient.Builder clientBuilder;
  private final @Nullable PromptRegistry prompts;
  private final @Nullable Experiments experiments;
  private final @Nullable TranscriptStore transcripts;
  private final @Nullable AuditLog auditLog;
  private final Redactor redactor;
  private final TelemetrySettings telemetry;
  private final @Nullable Resilience resilience;
  private final @Nullable Budgets budgets;
  private final List<LlmOpsConfig.SloDefinition> slos;

  LlmOpsComponents(
      LlmClient.Builder clientBuilder,
      @Nullable PromptRegistry prompts,
      @Nullable Experiments experiments,
      @Nullable TranscriptStore transcripts,
      @Nullable AuditLog auditLog,
      Redactor redactor,
      TelemetrySettings telemetry,
      @Nullable Resilience resilience,
      @Nullable Budgets budgets,
      List<LlmOpsConfig.SloDefinition> slos) {
    this.clientBuilder = clientBuilder;
    this.prompts = prompts;
    this.experiments = experiments;
    this.transcripts = transcripts;
    this.auditLog = auditLog;
    this.redactor = redactor;
    this.telemetry = telemetry;
    this.resilience = resilience;
    this.budgets = budgets;
    this.slos = List.copyOf(slos);
  }

  /** The client builder with every configured capability installed. */
  public LlmClient.Builder clientBuilder() {
    return clientBuilder;
  }

  /** The prompt registry ({@code prompts} section), to promote and roll back labels. */
  public Optional<PromptRegistry> prompts() {
    return Optional.ofNullable(prompts);
  }

  /** The experiments ({@code experiments} section), to change weights, ramps and kill switches. */
  public Optional<Experiments> experiments() {
    return Optional.ofNullable(experiments);
  }

  /** The transcript store ({@code retention} section). */
  public Optional<TranscriptStore> transcripts() {
    return Optional.ofNullable(transcripts);
  }

  /** The audit log ({@code audit} section). */
  public Optional<AuditLog> auditLog() {
    return Optional.ofNullable(auditLog);
  }

  /** The redactor ({@code redaction} section, else {@link Redactor#defaults()}). */
  public Redactor redactor() {
    return redactor;
  }

  /**
   * The resilience policies ({@code resilience} section), to read each endpoint's circuit breaker
   * state ({@link Resilience#circuitState}) once the client is built.
   */
  public Optional<Resilience> resilience() {
    return Optional.ofNullable(resilience);
  }

  /**
   * The budgets and rate limits ({@code budgets} and {@code rateLimits} sections), to read each
   * budget's limit and a counter's balance ({@link Budgets#balance}); read-only, admission does the
   * counting.
   */
  public Optional<Budgets> budgets() {
    return Optional.ofNullable(budgets);
  }

  /** The checked {@code slos} section (empty when absent), for {@code SloRules.fromConfig} in {@code llmops-eval}. */
  public List<LlmOpsConfig.SloDefinition> slos() {
    return slos;
  }

  /** The parsed {@code telemetry} section. */
  public TelemetrySettings telemetry() {
    return telemetry;
  }
}
