package dev.llmops.otel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.Usage;
import dev.llmops.core.LlmClient;
import dev.llmops.testkit.ConformanceData;
import dev.llmops.testkit.FakeReply;
import dev.llmops.testkit.Fault;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingMetrics;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Emitted keys, types and metrics checked against the OpenTelemetry semantic-convention artifacts:
 * the {@code opentelemetry-semconv-incubating} constants and the v1.41.0 YAML models.
 */
@SuppressWarnings("deprecation") // the incubating GenAI constants are deprecated ("moved"); we only compare with them
class SemconvConformanceTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Keys the latest conventions added that v1.41 and the Java constants do not have. */
  private static final Set<String> LATEST_ONLY =
      Set.of("gen_ai.usage.cache_write.input_tokens", "gen_ai.prompt.version", "gen_ai.token.modality");

  /** Legacy keys that must never appear with the latest conventions. */
  private static final Set<String> LEGACY = Set.of("gen_ai.system", "gen_ai.usage.prompt_tokens",
      "gen_ai.usage.completion_tokens", "gen_ai.usage.cache_creation.input_tokens", "gen_ai.prompt", "gen_ai.completion");

  private static Map<String, AttributeKey<?>> emittedKeys(GenAiConventions conventions, OtelFixture f) {
    LlmClient client = f.client(f.instrumentation(conventions, true)).build();
    f.primary.enqueue(FakeReply.text("fine").withUsage(new Usage(100, 40, 30, 20, 10, false)));
    GenerationParameters p = GenerationParameters.builder().temperature(0.5).topP(0.9).maxOutputTokens(50)
        .stopSequences(List.of("\n\n")).seed(7L).presencePenalty(0.1).frequencyPenalty(0.2).build();
    ChatRequest request = ChatRequest.builder().model("smart").user("hi").parameters(p).responseFormatJson("{}").build();
    CompletableFuture<Completion> ok = client.chatAsync(request);
    f.primary.reply("a streamed answer");
    var streamed = client.stream(ChatRequest.builder().model("smart").user("hi").build(), chunk -> { });
    f.primary.failNext(1, Fault.serverError(503));
    CompletableFuture<Completion> failed = client.chatAsync(ChatRequest.builder().model("smart").user("x").build());
    f.clock.advance(Duration.ofSeconds(5));
    assertThat(ok).isCompleted();
    assertThat(streamed.completion()).isCompleted();
    assertThat(failed).isCompletedExceptionally();
    Map<String, AttributeKey<?>> keys = new HashMap<>();
    for (SpanData s : f.spans()) {
      s.getAttributes().forEach((k, v) -> keys.put(k.getKey(), k));
    }
    assertThat(keys).containsKeys("gen_ai.request.seed", "gen_ai.request.stream", "gen_ai.response.time_to_first_chunk",
        "error.type", "gen_ai.input.messages", "gen_ai.usage.reasoning.output_tokens");
    return keys;
  }

  private static Map<String, AttributeKey<?>> incubatingConstants() throws IllegalAccessException {
    Map<String, AttributeKey<?>> out = new HashMap<>();
    for (Field field : GenAiIncubatingAttributes.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && AttributeKey.class.isAssignableFrom(field.getType())) {
        AttributeKey<?> key = (AttributeKey<?>) field.get(null);
        out.put(key.getKey(), key);
      }
    }
    return out;
  }

  @Test
  void everyKeyThatKeptItsNameHasTheTypeOfTheIncubatingConstant() throws IllegalAccessException {
    Map<String, AttributeKey<?>> constants = incubatingConstants();
    assertThat(constants).hasSizeGreaterThan(40);
    for (GenAiConventions conventions : GenAiConventions.values()) {
      Map<String, AttributeKey<?>> emitted = emittedKeys(conventions, new OtelFixture());
      for (AttributeKey<?> key : emitted.values()) {
        AttributeKey<?> constant = constants.get(key.getKey());
        if (key.getKey().startsWith("gen_ai.") && constant == null) {
          // Content attributes are "any" in the conventions and absent from the Java constants.
          assertThat(key.getKey()).as("gen_ai key without an incubating constant")
              .isIn(union(LATEST_ONLY, Set.of("gen_ai.input.messages", "gen_ai.output.messages")));
        }
        if (constant != null) {
          assertThat(key.getType()).as(key.getKey()).isEqualTo(constant.getType());
        }
      }
      if (conventions == GenAiConventions.LATEST) {
        assertThat(emitted.keySet()).doesNotContainAnyElementsOf(LEGACY);
      } else {
        assertThat(emitted.keySet()).doesNotContainAnyElementsOf(LATEST_ONLY);
      }
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new HashSet<>(a);
    u.addAll(b);
    return u;
  }

  @Test
  void v141KeysAndTypesMatchTheRegistryYaml() throws IOException {
    JsonNode registry = YAML.readTree(ConformanceData.file("otel-genai-semconv-v1.41.0/gen-ai-registry.yaml").toFile());
    Map<String, String> types = new HashMap<>();
    for (JsonNode group : registry.get("groups")) {
      for (JsonNode attribute : group.path("attributes")) {
        JsonNode type = attribute.get("type");
        types.put(attribute.get("id").asText(), type.isTextual() ? type.asText() : "enum");
      }
    }
    assertThat(types).containsKeys("gen_ai.operation.name", "gen_ai.usage.input_tokens");
    Map<String, AttributeKey<?>> emitted = emittedKeys(GenAiConventions.V1_41, new OtelFixture());
    for (AttributeKey<?> key : emitted.values()) {
      if (!key.getKey().startsWith("gen_ai.")) {
        continue;
      }
      String yamlType = types.get(key.getKey());
      assertThat(yamlType).as("%s is in the v1.41 registry", key.getKey()).isNotNull();
      AttributeType expected = switch (String.valueOf(yamlType)) {
        case "string", "enum", "any" -> AttributeType.STRING; // "any" content is sent as a JSON string
        case "int" -> AttributeType.LONG;
        case "double" -> AttributeType.DOUBLE;
        case "boolean" -> AttributeType.BOOLEAN;
        case "string[]" -> AttributeType.STRING_ARRAY;
        default -> throw new AssertionError("unknown YAML type " + yamlType);
      };
      assertThat(key.getType()).as(key.getKey()).isEqualTo(expected);
    }
  }

  @Test
  void v141MetricsMatchTheMetricsYamlAndTheIncubatingConstants() throws IOException {
    JsonNode model = YAML.readTree(ConformanceData.file("otel-genai-semconv-v1.41.0/gen-ai-metrics.yaml").toFile());
    Map<String, JsonNode> metrics = new HashMap<>();
    Set<String> allowedAttributes = new HashSet<>(Set.of("error.type", "gen_ai.token.type"));
    for (JsonNode group : model.get("groups")) {
      if (group.has("metric_name")) {
        metrics.put(group.get("metric_name").asText(), group);
      }
      if (group.get("id").asText().equals("metric_attributes.gen_ai")) {
        group.get("attributes").forEach(a -> allowedAttributes.add(a.get("ref").asText()));
      }
    }
    OtelFixture f = new OtelFixture();
    emittedKeys(GenAiConventions.V1_41, f);
    Map<String, MetricData> emitted = f.metricsByName();
    assertThat(emitted).containsKeys(GenAiIncubatingMetrics.GEN_AI_CLIENT_TOKEN_USAGE_NAME,
        GenAiIncubatingMetrics.GEN_AI_CLIENT_OPERATION_DURATION_NAME,
        GenAiIncubatingMetrics.GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK_NAME);
    assertThat(f.metric(GenAiIncubatingMetrics.GEN_AI_CLIENT_TOKEN_USAGE_NAME).getUnit())
        .isEqualTo(GenAiIncubatingMetrics.GEN_AI_CLIENT_TOKEN_USAGE_UNIT);
    assertThat(f.metric(GenAiIncubatingMetrics.GEN_AI_CLIENT_OPERATION_DURATION_NAME).getUnit())
        .isEqualTo(GenAiIncubatingMetrics.GEN_AI_CLIENT_OPERATION_DURATION_UNIT);
    for (MetricData m : emitted.values()) {
      if (!m.getName().startsWith("gen_ai.")) {
        continue;
      }
      JsonNode spec = metrics.get(m.getName());
      if (spec == null) {
        throw new AssertionError(m.getName() + " is not defined in the v1.41 metrics model");
      }
      assertThat(m.getUnit()).as(m.getName()).isEqualTo(spec.get("unit").asText());
      assertThat(spec.get("instrument").asText()).isEqualTo("histogram");
      assertThat(m.getType()).isIn(MetricDataType.HISTOGRAM);
      m.getHistogramData().getPoints().forEach(p -> p.getAttributes().forEach((k, v) ->
          assertThat(k.getKey()).as("metric attribute of %s", m.getName()).isIn(allowedAttributes)));
    }
  }
}
