package dev.llmops.core.accounting;

import dev.llmops.api.Cost;
import dev.llmops.api.Money;
import dev.llmops.api.Usage;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One line of the ledger: the usage and cost of one attempt that reached a provider (or of one
 * cache hit), with who it was for and what produced it. Immutable.
 *
 * @param callId the call's id
 * @param attempt the attempt's number within the call, from 1; 0 for a cache hit
 * @param at when the attempt ended, on the client's clock
 * @param outcome how it ended
 * @param endpoint the model endpoint name
 * @param provider the provider of the endpoint's model
 * @param model the provider model that answered (the response's id when it gave one)
 * @param tenant the call context's tenant, or null
 * @param subject the call context's subject (user), or null
 * @param feature the call context's feature, or null
 * @param apiKeyId the call context's API key id, or null
 * @param promptName the prompt's name from the call's fingerprint, or null
 * @param promptVersion the prompt version, or 0
 * @param experimentKey the experiment, or null
 * @param variant the experiment variant, or null
 * @param shadow true for a shadow-traffic call (context tag {@value #SHADOW_TAG} = {@code true})
 * @param usage the tokens, provider-reported or (flagged) estimated
 * @param cost the cost; for a cache hit, zero
 * @param saved for a cache hit, the cost the cached answer originally had; otherwise null
 */
public record LedgerRecord(
    String callId,
    int attempt,
    Instant at,
    Outcome outcome,
    String endpoint,
    String provider,
    String model,
    @Nullable String tenant,
    @Nullable String subject,
    @Nullable String feature,
    @Nullable String apiKeyId,
    @Nullable String promptName,
    int promptVersion,
    @Nullable String experimentKey,
    @Nullable String variant,
    boolean shadow,
    Usage usage,
    Cost cost,
    @Nullable Money saved) {

  /** The call context tag that marks shadow traffic. */
  public static final String SHADOW_TAG = "llmops.shadow";

  /** Checks the components. */
  public LedgerRecord {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(cost, "cost");
  }
}
