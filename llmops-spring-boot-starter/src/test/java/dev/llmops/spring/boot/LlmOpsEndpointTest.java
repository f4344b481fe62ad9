package dev.llmops.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.Cost;
import dev.llmops.core.LlmClient;
import dev.llmops.core.budget.BudgetStore;
import dev.llmops.core.config.LlmOpsComponents;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.TestClock;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jmx.JmxEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.InvocationContext;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.jackson.EndpointJsonMapper;
import org.springframework.boot.actuate.endpoint.jmx.ExposableJmxEndpoint;
import org.springframework.boot.actuate.endpoint.jmx.JacksonJmxOperationResponseMapper;
import org.springframework.boot.actuate.endpoint.jmx.JmxOperation;
import org.springframework.boot.actuate.endpoint.jmx.annotation.JmxEndpointDiscoverer;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jmx.JmxAutoConfiguration;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.core.convert.support.ConfigurableConversionService;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code llmops} actuator endpoint, invoked as the actuator invokes it: discovered by the
 * actuator, exposed over JMX (the web-less transport) and its result turned into JSON values by the
 * actuator's own Jackson mapper. The models are testkit fakes.
 */
class LlmOpsEndpointTest {
  private final TestClock clock = TestClock.at(Instant.parse("2026-05-04T10:15:00Z"));
  /** A JMX domain of its own, so that runs of this class never meet another context's MBean. */
  private final String domain = "llmops-test-" + UUID.randomUUID();

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LlmOpsAutoConfiguration.class, EndpointAutoConfiguration.class,
            JacksonEndpointAutoConfiguration.class, JmxAutoConfiguration.class, JmxEndpointAutoConfiguration.class))
        .withInitializer(new ConfigDataApplicationContextInitializer())
        .withBean("smart", FakeChatModel.class, () -> FakeChatModel.builder().modelId("gpt-4o").provider("openai").build().reply("from smart"))
        .withBean("cheap", FakeChatModel.class, () -> FakeChatModel.builder().modelId("cheap-1").build().reply("from cheap"))
        .withBean(LlmOpsBindingsCustomizer.class, () -> b -> b.clock(clock))
        .withPropertyValues("spring.config.name=llmops-endpoint-test", "spring.jmx.enabled=true",
            "management.endpoints.jmx.exposure.include=llmops", "management.endpoints.jmx.domain=" + domain);
  }

  /**
   * The endpoint's read operation as its MBean runs it: the operation the actuator discovered and
   * exposed over JMX, invoked with the arguments given (a missing one is null), its result mapped
   * to JSON values by the actuator's Jackson mapper. (Not through the MBean server itself: this
   * module's tests do not read {@code java.management}.)
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> read(ApplicationContext ctx, Map<String, Object> arguments) {
    ExposableJmxEndpoint endpoint = ctx.getBean(JmxEndpointDiscoverer.class).getEndpoints().stream()
        .filter(e -> e.getEndpointId().toString().equals("llmops")).findFirst().orElseThrow();
    assertThat(endpoint.getOperations()).as("one read operation").hasSize(1);
    JmxOperation operation = endpoint.getOperations().iterator().next();
    assertThat(operation.getName()).isEqualTo("snapshot");
    Object result = operation.invoke(new InvocationContext(SecurityContext.NONE, new HashMap<>(arguments)));
    JsonMapper mapper = ctx.getBean(EndpointJsonMapper.class).get();
    assertThat(mapper.writeValueAsString(result)).as("null parts are left out, as the actuator's mapper does")
        .doesNotContain("null");
    // What the endpoint's MBean does with the result (JmxEndpointAutoConfiguration builds it so).
    return (Map<String, Object>) new JacksonJmxOperationResponseMapper(mapper).mapResponse(result);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object o) {
    return (List<Map<String, Object>>) o;
  }

  @Test
  void showsLabelsExperimentsBudgetSpendAndBreakersAsTheyChange() {
    runner().run(ctx -> {
      assertThat(ctx).hasNotFailed().hasSingleBean(LlmOpsEndpoint.class);
      LlmOpsComponents components = ctx.getBean(LlmOpsComponents.class);
      LlmClient client = ctx.getBean(LlmClient.class);

      Map<String, Object> before = read(ctx, Map.of());
      assertThat(before).containsOnlyKeys("prompts", "experiments", "budgets", "circuitBreakers");
      assertThat(map(map(before.get("prompts")).get("support-reply")))
          .isEqualTo(Map.of("labels", Map.of("production", 1, "staging", 2), "latest", 2));
      Map<String, Object> modelTest = map(map(before.get("experiments")).get("model-test"));
      assertThat(modelTest).containsEntry("status", "RUNNING").containsEntry("coverage", 1.0)
          .doesNotContainKeys("ramp", "override", "prompt");
      assertThat(list(modelTest.get("variants"))).containsExactly(
          Map.of("key", "control", "weight", 0.9, "model", "smart"), Map.of("key", "cheap", "weight", 0.1, "model", "cheap"));
      assertThat(map(map(map(before.get("experiments")).get("prompt-canary")).get("ramp")))
          .isEqualTo(Map.of("variant", "next", "steps", List.of(0.05, 0.25, 1.0), "step", 0));
      assertThat(map(before.get("circuitBreakers"))).isEqualTo(Map.of("smart", "CLOSED", "cheap", "CLOSED"));

      // Operators change things; a tenant's call spends; the smart endpoint fails until its breaker opens.
      components.prompts().orElseThrow().promote("support-reply", "production", 2, "ana");
      components.experiments().orElseThrow().advanceRamp("prompt-canary", "error rate flat");
      // smart is gpt-4o, which the bundled price catalog prices: the call has a cost, the budget charges it.
      Completion paid = client.chat(ChatRequest.of("hi"), CallContext.ofTenant("acme"));
      BigDecimal cost = paid.attribute(Cost.KEY).orElseThrow().total().amount();
      assertThat(cost).isPositive();
      ctx.getBean("smart", FakeChatModel.class).failWith(Fault.serverError(503)).always();
      for (int i = 0; i < 2; i++) {
        assertThat(catchThrowable(() -> client.chat(ChatRequest.of("hi")))).isNotNull();
      }

      Map<String, Object> after = read(ctx, Map.of("tenant", "acme"));
      assertThat(map(map(map(after.get("prompts")).get("support-reply")).get("labels"))).containsEntry("production", 2);
      Map<String, Object> canary = map(map(after.get("experiments")).get("prompt-canary"));
      assertThat(map(canary.get("ramp"))).containsEntry("step", 1);
      assertThat(list(canary.get("variants"))).extracting(v -> v.get("weight")).containsExactly(0.75, 0.25);
      Map<String, Object> tenantDaily = list(after.get("budgets")).get(0);
      assertThat(tenantDaily).containsEntry("name", "tenant-daily").containsEntry("scope", "TENANT")
          .containsEntry("counter", "tenant:acme").containsEntry("unit", "USD").containsEntry("limit", "5")
          .containsEntry("reserved", "0").containsEntry("window", "per day")
          .containsEntry("windowStart", "2026-05-04T00:00:00Z").containsEntry("hard", true).doesNotContainKey("error");
      assertThat(new BigDecimal((String) tenantDaily.get("spent"))).isEqualByComparingTo(cost);
      assertThat(new BigDecimal((String) tenantDaily.get("remaining")))
          .isEqualByComparingTo(new BigDecimal("5").subtract(cost));
      Map<String, Object> globalTokens = list(after.get("budgets")).get(1);
      assertThat(globalTokens).containsEntry("counter", "global:*").containsEntry("unit", "tokens")
          .containsEntry("limit", "100000").containsEntry("hard", false)
          .containsEntry("spent", Long.toString(paid.usage().inputTokens() + paid.usage().outputTokens()));
      assertThat(map(after.get("circuitBreakers"))).isEqualTo(Map.of("smart", "OPEN", "cheap", "CLOSED"));
      // The health indicator agrees: an open breaker is DEGRADED.
      assertThat(ctx.getBean(LlmOpsHealthIndicator.class).health().getStatus()).isEqualTo(LlmOpsHealthIndicator.DEGRADED)
          .isNotEqualTo(Status.UP);

      // Without a tenant, the tenant budget shows the counter of calls that had none: nothing spent.
      Map<String, Object> noTenant = list(read(ctx, Map.of()).get("budgets")).get(0);
      assertThat(noTenant).containsEntry("counter", "tenant:(none)").containsEntry("spent", "0");
    });
  }

  /** A shared store that cannot be read marks its budgets with the error's class, and the rest still shows. */
  @Test
  void aBudgetStoreThatCannotBeReadIsNamedAndTheRestIsShown() {
    // A shared store that is down: every operation fails (no call is made in this test).
    BudgetStore down = (BudgetStore) Proxy.newProxyInstance(BudgetStore.class.getClassLoader(),
        new Class<?>[] {BudgetStore.class}, (proxy, method, args) -> switch (method.getName()) {
          case "equals" -> proxy == args[0];
          case "hashCode" -> System.identityHashCode(proxy);
          case "toString" -> "a store that is down";
          default -> throw new IllegalStateException("redis://10.0.0.7:6379 is down");
        });
    runner().withBean(BudgetStore.class, () -> down).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      Map<String, Object> snapshot = read(ctx, Map.of());
      assertThat(list(snapshot.get("budgets"))).hasSize(2).allSatisfy(b -> assertThat(b)
          .containsEntry("error", "IllegalStateException").containsKey("limit").doesNotContainKeys("spent", "remaining"));
      assertThat(snapshot.toString()).as("messages may name hosts: not shown").doesNotContain("10.0.0.7");
      assertThat(map(snapshot.get("prompts"))).containsKey("support-reply");
    });
  }

  @Test
  void noEndpointUnlessExposedAndAccessibleNorWithoutTheActuatorNorWithoutModels() {
    runner().withPropertyValues("management.endpoints.jmx.exposure.include=health")
        .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(LlmClient.class).doesNotHaveBean(LlmOpsEndpoint.class));
    // SpringApplication gives the environment Boot's lenient conversions (access: none, as users
    // write it); a bare context runner does not.
    runner().withInitializer(c -> c.getEnvironment().setConversionService(
            (ConfigurableConversionService) ApplicationConversionService.getSharedInstance()))
        .withPropertyValues("management.endpoint.llmops.access=none")
        .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(LlmClient.class).doesNotHaveBean(LlmOpsEndpoint.class));
    runner().withClassLoader(new FilteredClassLoader(Endpoint.class))
        .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(LlmClient.class).doesNotHaveBean(LlmOpsEndpoint.class));
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LlmOpsAutoConfiguration.class, EndpointAutoConfiguration.class))
        .withPropertyValues("management.endpoints.web.exposure.include=llmops")
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(LlmOpsEndpoint.class));
  }
}
