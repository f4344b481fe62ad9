package dev.llmops.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.core.config.LlmOpsComponents;
import dev.llmops.testkit.FakeChatModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sample starts as a Spring Boot web application (its {@code application.yml}, the starter's
 * auto-configuration, Tomcat on a random local port) and is driven over HTTP as a user would:
 * it answers through the fake, records the call in the {@link MeterRegistry}, and the {@code
 * llmops} actuator endpoint and the health endpoint show what the call and an operator did.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SupportApplicationTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Value("${local.server.port}")
  int port;

  @Autowired
  ApplicationContext context;

  @Autowired
  MeterRegistry meters;

  @Autowired
  LlmOpsComponents components;

  private final HttpClient http = HttpClient.newHttpClient();

  private JsonNode get(String path, String tenant) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (tenant != null) {
      request.header("X-Tenant", tenant);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET " + path + ": " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static List<Double> weights(JsonNode experiment) {
    List<Double> out = new ArrayList<>();
    experiment.get("variants").forEach(v -> out.add(v.get("weight").asDouble()));
    return out;
  }

  /** The example response in docs/spring-boot.md, the JSON block after its marker. */
  private static JsonNode documentedResponse() throws Exception {
    String root = System.getProperty("llmops.repositoryRoot", "..");
    String doc = Files.readString(Path.of(root, "docs", "spring-boot.md"), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("<!-- llmops-endpoint-response -->\\s*```json\\n(.*?)```", Pattern.DOTALL).matcher(doc);
    assertThat(m.find()).as("a JSON block after <!-- llmops-endpoint-response --> in docs/spring-boot.md").isTrue();
    return JSON.readTree(m.group(1));
  }

  /** Every field's path (array items merged), such as {@code budgets[].spent}: the JSON's shape. */
  private static Set<String> fieldPaths(JsonNode node) {
    Set<String> out = new TreeSet<>();
    collect(node, "", out);
    return out;
  }

  private static void collect(JsonNode node, String at, Set<String> out) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        String path = at.isEmpty() ? field.getKey() : at + "." + field.getKey();
        out.add(path);
        collect(field.getValue(), path, out);
      }
    } else if (node.isArray()) {
      node.forEach(item -> collect(item, at + "[]", out));
    }
  }

  @Test
  void answersThroughTheFakeRecordsTheCallAndTheActuatorShowsIt() throws Exception {
    String question = URLEncoder.encode("My internet is down", StandardCharsets.UTF_8);
    JsonNode answer = get("/answer?user=u-1&question=" + question, "acme");
    assertThat(answer.get("text").asString()).isEqualTo("Restart the router, then try again.");
    String model = answer.get("model").asString();
    assertThat(model).isIn("gpt-4o", "gpt-4o-mini");
    // The production label (version 1) was rendered and sent to the fake that answered.
    FakeChatModel answered = context.getBean(model.equals("gpt-4o") ? "assistant" : "assistant-mini", FakeChatModel.class);
    assertThat(answered.lastRequest().messages().get(0).content()).isEqualTo("You are a support assistant.");
    assertThat(answered.lastRequest().messages().get(1).content()).isEqualTo("My internet is down");

    // Micrometer: one call timed under the OpenTelemetry metric's name and attributes, and its cost.
    Timer calls = meters.get("gen_ai.client.operation.duration").tag("gen_ai.request.model", model).timer();
    assertThat(calls.count()).isEqualTo(1);
    assertThat(calls.getId().getTag("error.type")).isEqualTo("none");
    double cost = meters.get("llmops.client.cost").tag("gen_ai.request.model", model).counter().count();
    assertThat(cost).isPositive();

    // An operator promotes the candidate prompt and advances the canary; the endpoint shows both.
    components.prompts().orElseThrow().promote("support-reply", "production", 2, "ops");
    JsonNode before = get("/actuator/llmops", null);
    assertThat(weights(before.get("experiments").get("support-model"))).containsExactly(0.9, 0.1);
    components.experiments().orElseThrow().advanceRamp("support-model", "quality flat");

    JsonNode llmops = get("/actuator/llmops?tenant=acme", null);
    JsonNode prompt = llmops.get("prompts").get("support-reply");
    assertThat(prompt.get("labels").get("production").asInt()).isEqualTo(2);
    assertThat(prompt.get("labels").get("candidate").asInt()).isEqualTo(2);
    assertThat(prompt.get("latest").asInt()).isEqualTo(2);
    JsonNode experiment = llmops.get("experiments").get("support-model");
    assertThat(experiment.get("status").asString()).isEqualTo("RUNNING");
    assertThat(experiment.get("ramp").get("step").asInt()).isEqualTo(1);
    assertThat(weights(experiment)).containsExactly(0.5, 0.5);
    JsonNode budget = llmops.get("budgets").get(0);
    assertThat(budget.get("name").asString()).isEqualTo("tenant-daily");
    assertThat(budget.get("counter").asString()).isEqualTo("tenant:acme");
    assertThat(budget.get("limit").asString()).isEqualTo("50");
    // The budget counts exactly what the metric counts as a double.
    assertThat(new BigDecimal(budget.get("spent").asString()).doubleValue()).isCloseTo(cost, Offset.offset(1e-12));
    assertThat(llmops.get("circuitBreakers").get("assistant").asString()).isEqualTo("CLOSED");
    assertThat(llmops.get("circuitBreakers").get("assistant-mini").asString()).isEqualTo("CLOSED");

    assertThat(fieldPaths(llmops)).as("docs/spring-boot.md shows the endpoint's response as it is")
        .isEqualTo(fieldPaths(documentedResponse()));

    JsonNode health = get("/actuator/health", null);
    assertThat(health.get("status").asString()).isEqualTo("UP");
    assertThat(health.get("components").get("llmOps").get("details").get("assistant").asString()).isEqualTo("CLOSED");
  }
}
