package dev.llmops.otel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.llmops.agent.Agent;
import dev.llmops.agent.RunResult;
import dev.llmops.agent.RunStatus;
import dev.llmops.agent.Tool;
import dev.llmops.api.CallListener;
import dev.llmops.api.RunInfo;
import dev.llmops.api.Usage;
import dev.llmops.core.LlmClient;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.testkit.ConformanceData;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.agent.ScriptedAgent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Agent runs as spans: an {@code invoke_agent} span per run with the model calls' spans and an
 * {@code execute_tool} span per tool execution as its children, with names and attributes from the
 * v1.41 semconv YAML.
 */
class OtelAgentSpansTest {
  record OrderQuery(String orderId) {}

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final OtelFixture otel = new OtelFixture();

  private RunResult run(ScriptedAgent script, CallListener... extra) {
    OtelInstrumentation instrumentation = otel.instrumentation(GenAiConventions.V1_41, false);
    FakeChatModel model = script.into(FakeChatModel.builder().provider("openai").modelId("gpt-4o").build());
    LlmClient.Builder b = LlmClient.builder().model("smart", model).accounting(Accounting.create())
        .clock(otel.clock).scheduler(otel.scheduler).listener(instrumentation);
    for (CallListener l : extra) {
      b.listener(l);
    }
    LlmClient client = b.build();
    Tool lookup = Tool.builder("lookup_order").description("Finds an order by id").parameters(OrderQuery.class)
        .function(inv -> "shipped").build();
    Tool broken = Tool.builder("broken").parametersSchema("{\"type\":\"object\"}")
        .function(inv -> {
          throw new IllegalStateException("down");
        }).build();
    return Agent.builder(client).name("support").tools(lookup, broken).build().run("run-7", "Where is 42?");
  }

  @Test
  void aRunIsAnInvokeAgentSpanOverItsModelCallsAndToolExecutions() {
    RunResult r = run(ScriptedAgent.create()
        .callTools(ScriptedAgent.call("lookup_order", "{\"orderId\":\"42\"}"), ScriptedAgent.call("broken", "{}"))
        .usage(Usage.of(1000, 100))
        .answer("It shipped.").usage(Usage.of(1200, 20)));
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    List<SpanData> spans = otel.spans();
    SpanData agent = OtelFixture.named(spans, "invoke_agent").orElseThrow();
    assertThat(agent.getName()).isEqualTo("invoke_agent support");
    assertThat(agent.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(agent.getAttributes().get(Keys.OPERATION_NAME)).isEqualTo("invoke_agent");
    assertThat(agent.getAttributes().get(Keys.PROVIDER_NAME)).isEqualTo("openai");
    assertThat(agent.getAttributes().get(Keys.REQUEST_MODEL)).isEqualTo("gpt-4o");
    assertThat(agent.getAttributes().get(OtelAgentSpans.AGENT_NAME)).isEqualTo("support");
    assertThat(agent.getAttributes().get(OtelAgentSpans.CONVERSATION_ID)).isEqualTo("run-7");
    assertThat(agent.getAttributes().get(OtelAgentSpans.RUN_STATUS)).isEqualTo("COMPLETED");
    assertThat(agent.getAttributes().get(OtelAgentSpans.RUN_STEPS)).isEqualTo(4L);
    assertThat(agent.getAttributes().get(OtelAgentSpans.RUN_TOOL_CALLS)).isEqualTo(2L);
    assertThat(agent.getAttributes().get(Keys.USAGE_INPUT_TOKENS)).isEqualTo(2200L);
    assertThat(agent.getAttributes().get(Keys.COST)).isEqualTo("0.0067");

    List<SpanData> chats = spans.stream().filter(s -> s.getName().startsWith("chat")).toList();
    assertThat(chats).hasSize(2).allSatisfy(c -> {
      assertThat(c.getParentSpanId()).isEqualTo(agent.getSpanId());
      assertThat(c.getTraceId()).isEqualTo(agent.getTraceId());
    });
    SpanData tool = OtelFixture.named(spans, "execute_tool lookup_order").orElseThrow();
    assertThat(tool.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(tool.getParentSpanId()).isEqualTo(agent.getSpanId());
    assertThat(tool.getAttributes().get(Keys.OPERATION_NAME)).isEqualTo("execute_tool");
    assertThat(tool.getAttributes().get(OtelAgentSpans.TOOL_NAME)).isEqualTo("lookup_order");
    assertThat(tool.getAttributes().get(OtelAgentSpans.TOOL_CALL_ID)).isEqualTo("call_1");
    assertThat(tool.getAttributes().get(OtelAgentSpans.TOOL_DESCRIPTION)).isEqualTo("Finds an order by id");
    assertThat(tool.getAttributes().get(OtelAgentSpans.TOOL_TYPE)).isEqualTo("function");
    assertThat(tool.getAttributes().get(OtelAgentSpans.RUN_STEP)).isEqualTo(2L);
    assertThat(tool.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
    SpanData failed = OtelFixture.named(spans, "execute_tool broken").orElseThrow();
    assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(failed.getAttributes().get(Keys.ERROR_TYPE)).isEqualTo("java.lang.IllegalStateException");
    assertThat(failed.getAttributes().get(OtelAgentSpans.RUN_STEP)).isEqualTo(3L);
  }

  @Test
  void aListenerThatThrowsOnRunEventsIsCountedAndTheRunGoesOn() {
    AtomicInteger calls = new AtomicInteger();
    CallListener throwing = new CallListener() {
      @Override
      public void runStart(RunInfo run) {
        calls.incrementAndGet();
        throw new IllegalStateException("boom");
      }

      @Override
      public Scope runScope(RunInfo run) {
        calls.incrementAndGet();
        throw new IllegalStateException("boom");
      }
    };
    RunResult r = run(ScriptedAgent.create().answer("hi"), throwing);
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(calls).hasValue(2);
    assertThat(OtelFixture.named(otel.spans(), "invoke_agent")).isPresent();
  }

  @Test
  void theAgentOperationsAndAttributesAreInTheSemconvYaml() throws IOException {
    JsonNode registry = YAML.readTree(ConformanceData.file("otel-genai-semconv-v1.41.0/gen-ai-registry.yaml").toFile());
    Set<String> ids = new HashSet<>();
    Set<String> operations = new HashSet<>();
    for (JsonNode group : registry.get("groups")) {
      for (JsonNode attribute : group.path("attributes")) {
        ids.add(attribute.get("id").asText());
        if (attribute.get("id").asText().equals("gen_ai.operation.name")) {
          attribute.at("/type/members").forEach(m -> operations.add(m.get("value").asText()));
        }
      }
    }
    assertThat(operations).contains("invoke_agent", "execute_tool");
    for (AttributeKey<String> key : List.of(OtelAgentSpans.AGENT_NAME, OtelAgentSpans.CONVERSATION_ID,
        OtelAgentSpans.TOOL_NAME, OtelAgentSpans.TOOL_CALL_ID, OtelAgentSpans.TOOL_DESCRIPTION, OtelAgentSpans.TOOL_TYPE)) {
      assertThat(ids).as(key.getKey()).contains(key.getKey());
    }
    JsonNode spansYaml = YAML.readTree(ConformanceData.file("otel-genai-semconv-v1.41.0/gen-ai-spans.yaml").toFile());
    Set<String> spanIds = new HashSet<>();
    spansYaml.get("groups").forEach(g -> spanIds.add(g.get("id").asText()));
    assertThat(spanIds).contains("span.gen_ai.invoke_agent.internal", "span.gen_ai.execute_tool.internal");
  }
}
