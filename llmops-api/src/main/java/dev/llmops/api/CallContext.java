package dev.llmops.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Who a call is made for: the attribution that budgets, experiments, the ledger and telemetry
 * read. Immutable and thread-safe; the {@code with...} methods return copies.
 *
 * @param tenant the customer or organisation, or null
 * @param subject the end user or other stable id that experiments hash on, or null
 * @param feature the product feature making the call (for example {@code support-reply}), or null
 * @param apiKeyId an id of the application's own API key the call is billed to, or null (never
 *     the key itself)
 * @param tags further attribution, for example {@code region=eu}
 */
public record CallContext(
    @Nullable String tenant,
    @Nullable String subject,
    @Nullable String feature,
    @Nullable String apiKeyId,
    Map<String, String> tags) {

  private static final CallContext EMPTY = new CallContext(null, null, null, null, Map.of());

  /** Copies the tags. */
  public CallContext {
    tags = Map.copyOf(tags);
  }

  /** A context with nothing set. */
  public static CallContext empty() {
    return EMPTY;
  }

  /** A context for a tenant. */
  public static CallContext ofTenant(String tenant) {
    return EMPTY.withTenant(tenant);
  }

  /** A context for a subject (user). */
  public static CallContext ofSubject(String subject) {
    return EMPTY.withSubject(subject);
  }

  /** This context for another tenant. */
  public CallContext withTenant(String tenant) {
    return new CallContext(Objects.requireNonNull(tenant, "tenant"), subject, feature, apiKeyId, tags);
  }

  /** This context for another subject. */
  public CallContext withSubject(String subject) {
    return new CallContext(tenant, Objects.requireNonNull(subject, "subject"), feature, apiKeyId, tags);
  }

  /** This context for another feature. */
  public CallContext withFeature(String feature) {
    return new CallContext(tenant, subject, Objects.requireNonNull(feature, "feature"), apiKeyId, tags);
  }

  /** This context billed to another API key id. */
  public CallContext withApiKeyId(String apiKeyId) {
    return new CallContext(tenant, subject, feature, Objects.requireNonNull(apiKeyId, "apiKeyId"), tags);
  }

  /** This context with one more tag (replacing a tag of the same key). */
  public CallContext withTag(String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(tags);
    copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return new CallContext(tenant, subject, feature, apiKeyId, copy);
  }
}
