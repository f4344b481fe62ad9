/**
 * Spring Boot auto-configuration of an llmops {@code LlmClient} from {@code llmops.*} properties,
 * with Micrometer metrics, a health indicator and an actuator endpoint: {@link
 * dev.llmops.spring.boot.LlmOpsAutoConfiguration}.
 */
module dev.llmops.spring.boot {
  requires transitive dev.llmops.core;
  requires spring.beans;
  requires transitive spring.boot;
  requires transitive spring.boot.autoconfigure;
  requires spring.context;
  requires spring.core;
  requires static transitive micrometer.core;
  requires static transitive micrometer.observation;
  requires static transitive spring.boot.health;
  requires static transitive spring.boot.actuator;
  requires static spring.boot.actuator.autoconfigure;
  requires static com.fasterxml.jackson.annotation;
  requires static dev.llmops.otel;
  requires static io.opentelemetry.api;
  requires static transitive org.jspecify;

  exports dev.llmops.spring.boot;

  // Spring instantiates the configuration classes and binds the properties record by reflection.
  opens dev.llmops.spring.boot to spring.core, spring.beans, spring.context, spring.boot, spring.boot.actuator;
}
