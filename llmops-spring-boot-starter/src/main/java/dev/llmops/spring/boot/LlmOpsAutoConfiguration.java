package dev.llmops.spring.boot;

import dev.llmops.api.CallListener;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.LlmClient;
import dev.llmops.core.accounting.LedgerSink;
import dev.llmops.core.budget.BudgetStore;
import dev.llmops.core.config.ConfigBindings;
import dev.llmops.core.config.LlmOpsComponents;
import dev.llmops.core.config.LlmOpsConfig;
import dev.llmops.core.config.TelemetryFactory;
import dev.llmops.otel.OtelInstrumentation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Auto-configures an {@link LlmClient} from the {@code llmops.*} properties, which take the keys of
 * the llmops configuration file ({@code docs/configuration.md}) and are checked as strictly: a bad
 * key or value fails startup with every problem listed. Each bean backs off when the application
 * defines its own:
 *
 * <ul>
 *   <li>{@link LlmOpsConfig} {@code llmOpsConfig}: the properties, read;
 *   <li>{@link ConfigBindings} {@code llmOpsConfigBindings}: secrets looked up in the Spring
 *       environment (so {@code apiKeyEnv: OPENAI_API_KEY} finds an environment variable, a system
 *       property or an application property), {@code provider: supplied} models from {@link
 *       ChatModel} beans of the same name, and a {@link BudgetStore}, {@link LedgerSink} and {@link
 *       TelemetryFactory} bean when there is one; then every {@link LlmOpsBindingsCustomizer};
 *   <li>{@link LlmOpsComponents} {@code llmOpsComponents}: the assembled configuration (the prompt
 *       registry and experiments for run-time operations);
 *   <li>{@link LlmClient} {@code llmClient}: its builder, every {@link CallListener} bean, then
 *       every {@link LlmClientCustomizer}; closed with the context.
 * </ul>
 *
 * <p>Conditional pieces: a {@link MicrometerCallListener} when Micrometer is on the classpath and a
 * {@code MeterRegistry} bean exists ({@code llmops.micrometer.enabled=false} turns it off); an
 * OpenTelemetry {@link TelemetryFactory} when {@code llmops-otel} is on the classpath (the {@code
 * OpenTelemetry} bean, else {@code GlobalOpenTelemetry}), used when the {@code telemetry} section is
 * on; an {@link LlmOpsHealthIndicator} (breaker open: {@code DEGRADED}) when Boot's health
 * support is on the classpath and the {@code resilience} section is set; the {@link LlmOpsEndpoint}
 * actuator endpoint {@code llmops} when the actuator is on the classpath and the endpoint is
 * available (exposed, access not {@code none}). {@code llmops.enabled=false} turns all of it off; without any {@code llmops.models} there is
 * no components and no client bean (the application may define its own).
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"})
@ConditionalOnProperty(prefix = "llmops", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(LlmOpsProperties.class)
public final class LlmOpsAutoConfiguration {
  /** The name errors give the properties: {@code llmops.*: models.smart.apiKeyEnv: ...}. */
  static final String SOURCE = "llmops.*";

  /** Spring instantiates it. */
  LlmOpsAutoConfiguration() {}

  /**
   * The {@code llmops.*} properties, read.
   *
   * @param environment the application's environment
   * @return the configuration
   */
  @Bean
  @ConditionalOnMissingBean
  LlmOpsConfig llmOpsConfig(ConfigurableEnvironment environment) {
    return LlmOpsConfig.fromProperties(PropertyTree.read(environment), SOURCE);
  }

  /**
   * What the properties cannot hold.
   *
   * @return the bindings
   */
  @Bean
  @ConditionalOnMissingBean
  ConfigBindings llmOpsConfigBindings(
      ConfigurableEnvironment environment,
      ListableBeanFactory beans,
      ObjectProvider<BudgetStore> budgetStore,
      ObjectProvider<LedgerSink> ledger,
      ObjectProvider<TelemetryFactory> telemetry,
      ObjectProvider<LlmOpsBindingsCustomizer> customizers) {
    // Blank is what the bindings treat as unset, so a missing property reads as "".
    ConfigBindings.Builder b = ConfigBindings.builder().environment(name -> environment.getProperty(name, ""));
    Map<String, ChatModel> models = beans.getBeansOfType(ChatModel.class);
    for (String name : PropertyTree.suppliedModels(environment)) {
      ChatModel model = models.get(name);
      if (model != null) {
        b.model(name, model);
      }
    }
    budgetStore.ifUnique(b::budgetStore);
    ledger.ifUnique(b::ledger);
    telemetry.ifUnique(b::telemetry);
    customizers.orderedStream().forEach(c -> c.customize(b));
    return b.build();
  }

  /**
   * The assembled configuration.
   *
   * @return the components
   */
  @Bean
  @ConditionalOnMissingBean
  @Conditional(OnSectionCondition.Models.class)
  LlmOpsComponents llmOpsComponents(LlmOpsConfig config, ConfigBindings bindings) {
    return config.assemble(bindings);
  }

  /**
   * The client.
   *
   * @return the client, closed with the context
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(LlmOpsComponents.class)
  LlmClient llmClient(
      LlmOpsComponents components, ObjectProvider<CallListener> listeners, ObjectProvider<LlmClientCustomizer> customizers) {
    LlmClient.Builder b = components.clientBuilder();
    listeners.orderedStream().forEach(b::listener);
    customizers.orderedStream().forEach(c -> c.customize(b));
    return b.build();
  }

  /** Micrometer metrics, when the application has a registry. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  @ConditionalOnBean(MeterRegistry.class)
  @ConditionalOnProperty(prefix = "llmops.micrometer", name = "enabled", havingValue = "true", matchIfMissing = true)
  static class MicrometerConfiguration {
    /**
     * The listener recording into the registry.
     *
     * @return the listener
     */
    @Bean
    @ConditionalOnMissingBean
    MicrometerCallListener llmOpsMicrometerListener(MeterRegistry registry, LlmOpsProperties properties) {
      return MicrometerCallListener.builder(registry).tenantTag(properties.micrometer().tenantTag()).build();
    }
  }

  /** An Observation per call, when the application has an observation registry (Spring's tracing). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ObservationRegistry.class)
  @ConditionalOnBean(ObservationRegistry.class)
  @ConditionalOnProperty(prefix = "llmops.micrometer", name = "enabled", havingValue = "true", matchIfMissing = true)
  static class ObservationConfiguration {
    /**
     * The listener starting and stopping one observation per call.
     *
     * @return the listener
     */
    @Bean
    @ConditionalOnMissingBean
    ObservationCallListener llmOpsObservationListener(ObservationRegistry registry) {
      return ObservationCallListener.create(registry);
    }
  }

  /** The health of the model endpoints, when Boot's health support is on the classpath. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  static class HealthConfiguration {
    /**
     * The indicator, when the {@code resilience} section is set (breakers exist only then).
     *
     * @return the indicator, named {@code llmOps} in the health endpoint
     */
    @Bean
    @ConditionalOnMissingBean(name = "llmOpsHealthIndicator")
    @Conditional({OnSectionCondition.Models.class, OnSectionCondition.Resilience.class})
    LlmOpsHealthIndicator llmOpsHealthIndicator(LlmOpsComponents components, ConfigurableEnvironment environment) {
      return LlmOpsHealthIndicator.of(components.resilience().orElseThrow(), PropertyTree.modelNames(environment));
    }
  }

  /** The {@code llmops} actuator endpoint, when the actuator is on the classpath. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
  static class EndpointConfiguration {
    /**
     * The endpoint, when it is available (its access is not {@code none} and it is exposed over
     * HTTP or JMX) and there are models.
     *
     * @return the endpoint, on the client's clock
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    @Conditional(OnSectionCondition.Models.class)
    LlmOpsEndpoint llmOpsEndpoint(LlmOpsComponents components, ConfigBindings bindings, ConfigurableEnvironment environment) {
      return LlmOpsEndpoint.of(components, PropertyTree.modelNames(environment), bindings.clock().orElse(Clock.systemUTC()));
    }
  }

  /** OpenTelemetry, when {@code llmops-otel} is on the classpath; used when the telemetry section is on. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({OtelInstrumentation.class, OpenTelemetry.class})
  static class OpenTelemetryConfiguration {
    /**
     * Spans and metrics through the application's {@code OpenTelemetry} bean, else {@code GlobalOpenTelemetry}.
     *
     * @return the factory
     */
    @Bean
    @ConditionalOnMissingBean
    TelemetryFactory llmOpsTelemetryFactory(ObjectProvider<OpenTelemetry> openTelemetry) {
      OpenTelemetry otel = openTelemetry.getIfUnique();
      return otel != null ? OtelInstrumentation.factory(otel) : OtelInstrumentation.factory();
    }
  }
}
