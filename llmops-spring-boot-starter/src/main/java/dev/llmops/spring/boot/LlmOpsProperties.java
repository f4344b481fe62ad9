package dev.llmops.spring.boot;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The starter's own switches under {@code llmops.*}. Every other key under {@code llmops.} is a
 * key of the llmops configuration file ({@code docs/configuration.md}) and is checked by it, so a
 * typo fails startup instead of passing silently.
 *
 * @param enabled {@code llmops.enabled}: false turns the whole auto-configuration off (default true)
 * @param micrometer {@code llmops.micrometer.*}: the Micrometer metrics
 */
@ConfigurationProperties("llmops")
public record LlmOpsProperties(@DefaultValue("true") boolean enabled, @DefaultValue Micrometer micrometer) {

  /** The keys the starter reads itself and does not pass on to the configuration file's reader. */
  static final java.util.Set<String> STARTER_KEYS = java.util.Set.of("enabled", "micrometer");

  /**
   * {@code llmops.micrometer.*}.
   *
   * @param enabled false: no Micrometer metrics even when a {@code MeterRegistry} bean exists (default true)
   * @param tenantTag true: the cost and budget-rejection meters carry the call's tenant as the
   *     {@code llmops.tenant} tag (default false: a tenant per tag value can make too many series)
   */
  public record Micrometer(@DefaultValue("true") boolean enabled, @DefaultValue("false") boolean tenantTag) {}
}
