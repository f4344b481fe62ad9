package dev.llmops.testkit.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.FinishReason;
import dev.llmops.api.InvalidRequestException;
import dev.llmops.api.Message;
import dev.llmops.api.Role;
import dev.llmops.api.ToolCall;
import dev.llmops.api.ToolChoice;
import dev.llmops.api.ToolDefinition;
import dev.llmops.api.ToolSet;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.anthropic.AnthropicChatModel;
import dev.llmops.core.provider.openai.OpenAiChatModel;
import dev.llmops.testkit.ConformanceData;
import dev.llmops.testkit.server.FakeOpenAiServer;
import dev.llmops.testkit.server.ScriptedResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Typed tool calling on the wire: definitions, tool choice and parallel flag as each provider
 * expects them, tool calls and results carried back, and streamed tool-call deltas assembled. The
 * OpenAI side is checked against the official OpenAPI spec and its tool-call example, the
 * Anthropic side against the SDK's streamed tool-use fixture.
 */
class ToolCallingWireTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WEATHER_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}";
  private static final ToolDefinition WEATHER =
      ToolDefinition.of("get_current_weather", "Current weather at a place", WEATHER_SCHEMA);
  private static final ToolDefinition TIME =
      ToolDefinition.of("get_time", "", "{\"type\":\"object\",\"properties\":{}}");

  private final FakeOpenAiServer server = FakeOpenAiServer.start();
  private final ChatModel openai = OpenAiChatModel.builder()
      .baseUrl(server.baseUrl()).apiKey(Secret.of("sk-test-tools")).model("gpt-4o-mini").build();
  private final ChatModel anthropic = AnthropicChatModel.builder()
      .baseUrl(server.baseUrl()).apiKey(Secret.of("sk-ant-test-tools")).model("claude-sonnet-4-5").build();

  @AfterEach
  void stop() {
    server.close();
  }

  private static String data(String relative) throws IOException {
    return Files.readString(ConformanceData.file(relative), StandardCharsets.UTF_8);
  }

  private JsonNode sentBody() throws IOException {
    return JSON.readTree(server.lastRequest().body());
  }

  // ---- OpenAI ----

  @Test
  void openAiWritesTypedToolsChoiceAndParallelFlag() throws IOException {
    server.enqueue(ScriptedResponse.reply("ok"));
    openai.chat(ChatRequest.builder().user("weather?")
        .tools(ToolSet.of(WEATHER, TIME).withChoice(ToolChoice.tool("get_time")).withParallelToolCalls(false)).build());
    JsonNode body = sentBody();
    assertThat(body.at("/tools/0/type").asText()).isEqualTo("function");
    assertThat(body.at("/tools/0/function/name").asText()).isEqualTo("get_current_weather");
    assertThat(body.at("/tools/0/function/description").asText()).isEqualTo("Current weather at a place");
    assertThat(body.at("/tools/0/function/parameters")).isEqualTo(JSON.readTree(WEATHER_SCHEMA));
    assertThat(body.at("/tools/1/function").has("description")).as("empty description left out").isFalse();
    assertThat(body.get("tool_choice")).isEqualTo(JSON.readTree("{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}"));
    assertThat(body.get("parallel_tool_calls").asBoolean()).isFalse();
  }

  @Test
  void openAiChoicesAsStrings() throws IOException {
    for (var c : Map.of(ToolChoice.AUTO, "auto", ToolChoice.NONE, "none", ToolChoice.REQUIRED, "required").entrySet()) {
      server.enqueue(ScriptedResponse.reply("ok"));
      openai.chat(ChatRequest.builder().user("x").tools(ToolSet.of(WEATHER).withChoice(c.getKey())).build());
      assertThat(sentBody().get("tool_choice").asText()).isEqualTo(c.getValue());
      assertThat(sentBody().has("parallel_tool_calls")).isFalse();
    }
  }

  @Test
  void openAiToolsAndChoicesMatchTheSpec() throws IOException {
    Schema schema = openApiSchema("CreateChatCompletionRequest");
    List<ToolSet> sets = List.of(
        ToolSet.of(WEATHER), ToolSet.of(WEATHER, TIME).withChoice(ToolChoice.AUTO),
        ToolSet.of(WEATHER).withChoice(ToolChoice.NONE), ToolSet.of(WEATHER).withChoice(ToolChoice.REQUIRED),
        ToolSet.of(WEATHER, TIME).withChoice(ToolChoice.tool("get_current_weather")).withParallelToolCalls(true));
    for (ToolSet tools : sets) {
      for (boolean stream : new boolean[] {false, true}) {
        server.enqueue(ScriptedResponse.reply("ok"));
        ChatRequest request = ChatRequest.builder().user("weather in Boston?").message(assistantCalling())
            .message(Message.tool("call_abc123", "{\"temperature\":\"22\"}")).tools(tools).build();
        if (stream) {
          openai.stream(request, c -> { }).join();
        } else {
          openai.chat(request);
        }
        String body = server.lastRequest().body();
        assertThat(schema.validate(body, InputFormat.JSON)).as(body).isEmpty();
      }
    }
  }

  @Test
  void openAiToolCallExampleRoundTrips() throws IOException {
    server.enqueue(ScriptedResponse.raw(200, "application/json", data("openai-examples/chat-completion-tool-calls.spec-example.json")));
    ChatResponse r = openai.chat(ChatRequest.builder().user("weather in Boston?").tools(WEATHER).build());
    assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    ToolCall call = r.toolCalls().get(0);
    // The answer goes back as the assistant's tool call and a tool message with its id.
    server.enqueue(ScriptedResponse.reply("It is 22 degrees in Boston."));
    openai.chat(ChatRequest.builder().user("weather in Boston?").tools(WEATHER)
        .message(new Message(Role.ASSISTANT, r.text(), r.toolCalls(), null))
        .message(Message.tool(call.id(), "22 C")).build());
    JsonNode body = sentBody();
    assertThat(body.at("/messages/1/content").isNull()).isTrue();
    assertThat(body.at("/messages/1/tool_calls/0/id").asText()).isEqualTo("call_abc123");
    assertThat(body.at("/messages/1/tool_calls/0/function/arguments").asText()).isEqualTo("{\n\"location\": \"Boston, MA\"\n}");
    assertThat(body.at("/messages/2/role").asText()).isEqualTo("tool");
    assertThat(body.at("/messages/2/tool_call_id").asText()).isEqualTo("call_abc123");
  }

  /**
   * The spec's tool-call example streamed as the spec's chunk objects: two parallel calls whose
   * argument strings arrive in fragments, interleaved by {@code index}; every chunk is checked
   * against {@code CreateChatCompletionStreamResponse} before it is served.
   */
  @Test
  void openAiStreamedToolCallDeltasAreAssembled() throws IOException {
    Schema chunkSchema = openApiSchema("CreateChatCompletionStreamResponse");
    JsonNode example = JSON.readTree(data("openai-examples/chat-completion-tool-calls.spec-example.json"));
    JsonNode call = example.at("/choices/0/message/tool_calls/0");
    String args = call.at("/function/arguments").asText();
    String otherArgs = "{\"location\": \"Paris, FR\"}";
    List<ObjectNode> chunks = new ArrayList<>();
    chunks.add(chunk(example, "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":"
        + JSON.writeValueAsString(call.get("id").asText()) + ",\"type\":\"function\",\"function\":{\"name\":"
        + JSON.writeValueAsString(call.at("/function/name").asText()) + ",\"arguments\":\"\"}}]}", null));
    chunks.add(chunk(example, "{\"tool_calls\":[{\"index\":1,\"id\":\"call_def456\",\"type\":\"function\","
        + "\"function\":{\"name\":\"get_current_weather\",\"arguments\":\"\"}}]}", null));
    List<String> a = fragments(args, 3);
    List<String> b = fragments(otherArgs, 5);
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      if (i < a.size()) {
        chunks.add(chunk(example, argsDelta(0, a.get(i)), null));
      }
      if (i < b.size()) {
        chunks.add(chunk(example, argsDelta(1, b.get(i)), null));
      }
    }
    chunks.add(chunk(example, "{}", "tool_calls"));
    StringBuilder sse = new StringBuilder();
    for (ObjectNode c : chunks) {
      String json = JSON.writeValueAsString(c);
      assertThat(chunkSchema.validate(json, InputFormat.JSON)).as(json).isEmpty();
      sse.append("data: ").append(json).append("\n\n");
    }
    sse.append("data: [DONE]\n\n");
    server.enqueue(ScriptedResponse.raw(200, "text/event-stream", sse.toString()));
    ChatResponse r = openai.stream(ChatRequest.builder().user("weather?").tools(WEATHER).build(), c -> { }).join();
    assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(r.toolCalls()).containsExactly(
        new ToolCall("call_abc123", "get_current_weather", args),
        new ToolCall("call_def456", "get_current_weather", otherArgs));
  }

  private static String argsDelta(int index, String fragment) throws IOException {
    return "{\"tool_calls\":[{\"index\":" + index + ",\"function\":{\"arguments\":" + JSON.writeValueAsString(fragment) + "}}]}";
  }

  private static ObjectNode chunk(JsonNode example, String delta, String finish) throws IOException {
    ObjectNode c = JSON.createObjectNode();
    c.put("id", example.get("id").asText());
    c.put("object", "chat.completion.chunk");
    c.put("created", example.get("created").asLong());
    c.put("model", example.get("model").asText());
    ObjectNode choice = c.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set("delta", JSON.readTree(delta));
    choice.put("finish_reason", finish);
    return c;
  }

  private static List<String> fragments(String s, int size) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < s.length(); i += size) {
      out.add(s.substring(i, Math.min(s.length(), i + size)));
    }
    return out;
  }

  @Test
  void aSchemaThatIsNotJsonIsRejectedNamingTheTool() {
    ChatRequest bad = ChatRequest.builder().user("x").tools(ToolDefinition.of("lookup", "", "{not json")).build();
    assertThatThrownBy(() -> openai.chat(bad)).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("tools[lookup].parametersSchemaJson");
    assertThatThrownBy(() -> anthropic.chat(bad)).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("tools[lookup].parametersSchemaJson");
  }

  // ---- Anthropic ----

  @Test
  void anthropicWritesToolsAsInputSchemaAndChoices() throws IOException {
    Map<ToolSet, String> expected = Map.of(
        ToolSet.of(WEATHER).withChoice(ToolChoice.AUTO), "{\"type\":\"auto\"}",
        ToolSet.of(WEATHER).withChoice(ToolChoice.NONE), "{\"type\":\"none\"}",
        ToolSet.of(WEATHER).withChoice(ToolChoice.REQUIRED), "{\"type\":\"any\"}",
        ToolSet.of(WEATHER, TIME).withChoice(ToolChoice.tool("get_time")), "{\"type\":\"tool\",\"name\":\"get_time\"}",
        ToolSet.of(WEATHER).withParallelToolCalls(false), "{\"type\":\"auto\",\"disable_parallel_tool_use\":true}",
        ToolSet.of(WEATHER).withChoice(ToolChoice.REQUIRED).withParallelToolCalls(false),
        "{\"type\":\"any\",\"disable_parallel_tool_use\":true}");
    for (var e : expected.entrySet()) {
      server.enqueue(ScriptedResponse.raw(200, "application/json", data("anthropic-examples/message-cache-read.constructed.json")));
      anthropic.chat(ChatRequest.builder().user("x").tools(e.getKey()).build());
      JsonNode body = sentBody();
      assertThat(body.get("tool_choice")).as(e.getKey().toString()).isEqualTo(JSON.readTree(e.getValue()));
      assertThat(body.at("/tools/0/name").asText()).isEqualTo("get_current_weather");
      assertThat(body.at("/tools/0/description").asText()).isEqualTo("Current weather at a place");
      assertThat(body.at("/tools/0/input_schema")).isEqualTo(JSON.readTree(WEATHER_SCHEMA));
    }
    server.enqueue(ScriptedResponse.raw(200, "application/json", data("anthropic-examples/message-cache-read.constructed.json")));
    anthropic.chat(ChatRequest.builder().user("x").tools(WEATHER).build());
    assertThat(sentBody().has("tool_choice")).as("no choice, parallel allowed: nothing sent").isFalse();
  }

  /**
   * The SDK fixture's streamed tool use (input in {@code input_json_delta} fragments) goes back as a
   * {@code tool_use} block with the parsed input, and parallel results as one user message.
   */
  @Test
  void anthropicStreamedToolUseRoundTrips() throws IOException {
    server.enqueue(ScriptedResponse.raw(200, "text/event-stream", data("anthropic-examples/sse-tool-use.sdk-fixture.txt")));
    ChatResponse r = anthropic.stream(ChatRequest.builder().user("weather in Paris?").tools(WEATHER).build(), c -> { }).join();
    assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    ToolCall call = r.toolCalls().get(0);
    ToolCall second = new ToolCall("toolu_second", "get_time", "{}");
    server.enqueue(ScriptedResponse.raw(200, "application/json", data("anthropic-examples/message-cache-read.constructed.json")));
    anthropic.chat(ChatRequest.builder().user("weather in Paris?").tools(WEATHER, TIME)
        .message(new Message(Role.ASSISTANT, r.text(), List.of(call, second), null))
        .message(Message.tool(call.id(), "18 C and sunny"))
        .message(Message.tool(second.id(), "12:00"))
        .user("thanks").build());
    JsonNode messages = sentBody().get("messages");
    assertThat(messages).hasSize(4);
    assertThat(messages.at("/1/content/0/type").asText()).isEqualTo("text");
    assertThat(messages.at("/1/content/1/type").asText()).isEqualTo("tool_use");
    assertThat(messages.at("/1/content/1/id").asText()).isEqualTo("toolu_01NRLabsLyVHZPKxbKvkfSMn");
    assertThat(messages.at("/1/content/1/input")).isEqualTo(JSON.readTree("{\"location\":\"Paris\"}"));
    assertThat(messages.at("/2/role").asText()).isEqualTo("user");
    assertThat(messages.at("/2/content")).hasSize(2);
    assertThat(messages.at("/2/content/0/tool_use_id").asText()).isEqualTo("toolu_01NRLabsLyVHZPKxbKvkfSMn");
    assertThat(messages.at("/2/content/0/content").asText()).isEqualTo("18 C and sunny");
    assertThat(messages.at("/2/content/1/tool_use_id").asText()).isEqualTo("toolu_second");
    assertThat(messages.at("/3/content").asText()).isEqualTo("thanks");
  }

  /**
   * A failed tool's result: Anthropic's {@code tool_result} carries {@code is_error: true} (the
   * Messages API's flag for a tool that failed) and only then; OpenAI has no flag, so its {@code
   * tool} message carries the error text, and the body still matches the spec.
   */
  @Test
  void aFailedToolGoesToAnthropicWithIsErrorAndToOpenAiAsItsText() throws IOException {
    ToolCall call = new ToolCall("toolu_1", "get_current_weather", "{\"location\":\"Paris\"}");
    ToolCall second = new ToolCall("toolu_2", "get_time", "{}");
    ChatRequest request = ChatRequest.builder().user("weather and time in Paris?").tools(WEATHER, TIME)
        .message(new Message(Role.ASSISTANT, "", List.of(call, second), null))
        .message(Message.toolError(call.id(), "error: the tool failed: IOException: weather service down"))
        .message(Message.tool(second.id(), "12:00"))
        .build();
    server.enqueue(ScriptedResponse.raw(200, "application/json", data("anthropic-examples/message-cache-read.constructed.json")));
    anthropic.chat(request);
    JsonNode results = sentBody().at("/messages/2/content");
    assertThat(results.at("/0/type").asText()).isEqualTo("tool_result");
    assertThat(results.at("/0/is_error").isBoolean()).isTrue();
    assertThat(results.at("/0/is_error").booleanValue()).isTrue();
    assertThat(results.at("/0/content").asText()).isEqualTo("error: the tool failed: IOException: weather service down");
    assertThat(results.get(1).has("is_error")).as("a result that did not fail has no flag").isFalse();

    server.enqueue(ScriptedResponse.reply("ok"));
    openai.chat(request);
    String body = server.lastRequest().body();
    assertThat(openApiSchema("CreateChatCompletionRequest").validate(body, InputFormat.JSON)).as(body).isEmpty();
    JsonNode sent = JSON.readTree(body);
    assertThat(sent.at("/messages/2/role").asText()).isEqualTo("tool");
    assertThat(sent.at("/messages/2/tool_call_id").asText()).isEqualTo("toolu_1");
    assertThat(sent.at("/messages/2/content").asText()).isEqualTo("error: the tool failed: IOException: weather service down");
    assertThat(sent.at("/messages/2").has("is_error")).isFalse();
  }

  private static Message assistantCalling() {
    return new Message(Role.ASSISTANT, "", List.of(new ToolCall("call_abc123", "get_current_weather",
        "{\"location\": \"Boston, MA\"}")), null);
  }

  @Test
  void typedToolsAndRawToolsJsonExcludeEachOther() {
    assertThatThrownBy(() -> ChatRequest.builder().user("x").toolsJson("[]").tools(WEATHER).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("toolsJson");
    assertThatThrownBy(() -> ToolSet.of(WEATHER).withChoice(ToolChoice.tool("nope")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nope'");
    assertThatThrownBy(() -> ToolDefinition.of("has space", "", "{}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'has space'");
  }

  /**
   * Rewrites the spec's OpenAPI 3.0 {@code nullable: true} (which JSON Schema 2020-12 ignores) as
   * what it means: {@code null} added to the {@code type} and to an {@code enum}.
   */
  private static void nullable(JsonNode node) {
    if (node instanceof ObjectNode o && o.path("nullable").asBoolean(false)) {
      JsonNode type = o.get("type");
      if (type != null && type.isTextual()) {
        o.putArray("type").add(type.asText()).add("null");
      }
      JsonNode values = o.get("enum");
      if (values instanceof com.fasterxml.jackson.databind.node.ArrayNode a) {
        a.addNull();
      }
    }
    node.forEach(ToolCallingWireTest::nullable);
  }

  private static Schema openApiSchema(String name) throws IOException {
    String base = "https://spec.invalid/openai-openapi.json";
    JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(ConformanceData.file("openai-openapi.yaml").toFile());
    nullable(spec);
    String json = JSON.writeValueAsString(spec);
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(Dialects.getDraft202012(),
        b -> b.schemas(Map.of(base, json)));
    return registry.getSchema(SchemaLocation.of(base + "#/components/schemas/" + name));
  }
}
