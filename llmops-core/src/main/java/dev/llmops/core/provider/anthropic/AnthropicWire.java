package dev.llmops.core.provider.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.FinishReason;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.InvalidRequestException;
import dev.llmops.api.Message;
import dev.llmops.api.Role;
import dev.llmops.api.ToolCall;
import dev.llmops.api.ToolChoice;
import dev.llmops.api.ToolDefinition;
import dev.llmops.api.ToolSet;
import dev.llmops.api.Usage;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.core.provider.internal.Json;
import dev.llmops.core.provider.internal.ProviderErrors;
import dev.llmops.core.provider.internal.ProviderErrors.ErrorBody;
import dev.llmops.core.provider.internal.StreamDecoder;
import dev.llmops.core.provider.internal.WireFormat;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The Messages API wire format: request bodies, whole answers, stop reasons and usage. Immutable
 * and thread-safe.
 */
final class AnthropicWire implements WireFormat {
  private static final String PROVIDER = "anthropic";

  private final String model;
  private final int defaultMaxTokens;

  AnthropicWire(String model, int defaultMaxTokens) {
    this.model = model;
    this.defaultMaxTokens = defaultMaxTokens;
  }

  @Override
  public String path() {
    return "/messages";
  }

  /**
   * The JSON body of a {@code POST /messages}: system messages joined into {@code system}, tool
   * results as {@code tool_result} blocks, assistant tool calls as {@code tool_use} blocks. Seed
   * and penalties have no Messages equivalent and are not sent.
   *
   * @throws InvalidRequestException if a JSON pass-through field is not JSON
   */
  @Override
  public byte[] requestBody(ChatRequest request, boolean stream) {
    GenerationParameters p = request.parameters();
    return Json.write(256 + request.messages().size() * 64, g -> {
      g.writeStartObject();
      g.writeStringField("model", model);
      g.writeNumberField("max_tokens", p.maxOutputTokens() != null ? p.maxOutputTokens() : defaultMaxTokens);
      StringBuilder system = new StringBuilder();
      for (Message m : request.messages()) {
        if (m.role() == Role.SYSTEM) {
          system.append(system.length() == 0 ? "" : "\n\n").append(m.content());
        }
      }
      if (system.length() > 0) {
        g.writeStringField("system", system.toString());
      }
      g.writeArrayFieldStart("messages");
      List<Message> messages = request.messages();
      for (int i = 0; i < messages.size(); i++) {
        Message m = messages.get(i);
        if (m.role() == Role.TOOL) {
          // The results of one turn's parallel tool uses go back together, in one user message.
          int end = i;
          while (end + 1 < messages.size() && messages.get(end + 1).role() == Role.TOOL) {
            end++;
          }
          writeToolResults(g, messages.subList(i, end + 1));
          i = end;
        } else {
          writeMessage(g, m);
        }
      }
      g.writeEndArray();
      if (p.temperature() != null) {
        g.writeNumberField("temperature", p.temperature());
      }
      if (p.topP() != null) {
        g.writeNumberField("top_p", p.topP());
      }
      if (!p.stopSequences().isEmpty()) {
        g.writeArrayFieldStart("stop_sequences");
        for (String s : p.stopSequences()) {
          g.writeString(s);
        }
        g.writeEndArray();
      }
      if (request.toolsJson() != null) {
        g.writeFieldName("tools");
        g.writeTree(passThrough(request.toolsJson(), "toolsJson"));
      }
      writeTools(g, request.tools());
      if (request.responseFormatJson() != null) {
        g.writeObjectFieldStart("output_config");
        g.writeFieldName("format");
        g.writeTree(passThrough(request.responseFormatJson(), "responseFormatJson"));
        g.writeEndObject();
      }
      if (stream) {
        g.writeBooleanField("stream", true);
      }
      g.writeEndObject();
    });
  }

  private JsonNode passThrough(String json, String field) {
    return Json.passThrough(json, field, PROVIDER, model);
  }

  @Override
  public ChatResponse parse(ChatRequest request, byte[] body, Map<String, String> headerMetadata) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new MalformedBody("the response body " + Json.problem(e));
    }
    if (root == null || !root.isObject()) {
      throw new MalformedBody("the response body is not a JSON object");
    }
    if ("error".equals(Json.text(root.get("type")))) {
      throw ProviderErrors.fromStreamError(PROVIDER, model, ErrorBody.of(root));
    }
    JsonNode content = root.get("content");
    if (content == null || !content.isArray()) {
      throw new MalformedBody("content is missing or not an array");
    }
    AnthropicTurn turn = new AnthropicTurn(model);
    turn.message(root);
    for (int i = 0; i < content.size(); i++) {
      turn.block(i, content.get(i));
    }
    if (turn.stopReason() == null) {
      throw new MalformedBody("stop_reason is missing");
    }
    return turn.response(request, headerMetadata);
  }

  @Override
  public StreamDecoder decoder(ChatRequest request, ModelExchange exchange, Map<String, String> headerMetadata) {
    return new AnthropicStreamDecoder(PROVIDER, model, request, exchange, headerMetadata);
  }

  private void writeMessage(JsonGenerator g, Message m) throws IOException {
    switch (m.role()) {
      case SYSTEM -> {
        return;
      }
      case USER -> {
        g.writeStartObject();
        g.writeStringField("role", "user");
        g.writeStringField("content", m.content());
        g.writeEndObject();
        return;
      }
      case ASSISTANT -> {
        g.writeStartObject();
        g.writeStringField("role", "assistant");
        if (m.toolCalls().isEmpty()) {
          g.writeStringField("content", m.content());
        } else {
          g.writeArrayFieldStart("content");
          if (!m.content().isEmpty()) {
            g.writeStartObject();
            g.writeStringField("type", "text");
            g.writeStringField("text", m.content());
            g.writeEndObject();
          }
          for (ToolCall call : m.toolCalls()) {
            g.writeStartObject();
            g.writeStringField("type", "tool_use");
            g.writeStringField("id", call.id());
            g.writeStringField("name", call.name());
            g.writeFieldName("input");
            g.writeTree(passThrough(call.argumentsJson().isBlank() ? "{}" : call.argumentsJson(),
                "messages[].toolCalls[].argumentsJson"));
            g.writeEndObject();
          }
          g.writeEndArray();
        }
        g.writeEndObject();
        return;
      }
      case TOOL -> {
        writeToolResults(g, List.of(m));
        return;
      }
    }
  }

  /** Tool results as one user message of {@code tool_result} blocks; a failed tool's with {@code is_error}. */
  private static void writeToolResults(JsonGenerator g, List<Message> results) throws IOException {
    g.writeStartObject();
    g.writeStringField("role", "user");
    g.writeArrayFieldStart("content");
    for (Message m : results) {
      g.writeStartObject();
      g.writeStringField("type", "tool_result");
      g.writeStringField("tool_use_id", String.valueOf(m.toolCallId()));
      g.writeStringField("content", m.content());
      if (m.toolError()) {
        g.writeBooleanField("is_error", true);
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /**
   * Typed tools as {@code tools} ({@code name, description, input_schema}) and {@code
   * tool_choice}; forbidding parallel calls sets {@code disable_parallel_tool_use}, which needs a
   * choice, so it comes with {@code auto} when none was given.
   */
  private void writeTools(JsonGenerator g, ToolSet tools) throws IOException {
    if (tools.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart("tools");
    for (ToolDefinition d : tools.definitions()) {
      g.writeStartObject();
      g.writeStringField("name", d.name());
      if (!d.description().isEmpty()) {
        g.writeStringField("description", d.description());
      }
      g.writeFieldName("input_schema");
      g.writeTree(passThrough(d.parametersSchemaJson(), "tools[" + d.name() + "].parametersSchemaJson"));
      g.writeEndObject();
    }
    g.writeEndArray();
    ToolChoice choice = tools.choice();
    boolean noParallel = Boolean.FALSE.equals(tools.parallelToolCalls());
    if (choice == null && !noParallel) {
      return;
    }
    ToolChoice c = choice == null ? ToolChoice.AUTO : choice;
    g.writeObjectFieldStart("tool_choice");
    g.writeStringField("type", switch (c.mode()) {
      case AUTO -> "auto";
      case NONE -> "none";
      case REQUIRED -> "any";
      case TOOL -> "tool";
    });
    if (c.mode() == ToolChoice.Mode.TOOL) {
      g.writeStringField("name", String.valueOf(c.toolName()));
    }
    if (noParallel && c.mode() != ToolChoice.Mode.NONE) {
      g.writeBooleanField("disable_parallel_tool_use", true);
    }
    g.writeEndObject();
  }

  static FinishReason mapStopReason(String raw) {
    return switch (raw) {
      case "end_turn", "stop_sequence" -> FinishReason.STOP;
      case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
      case "tool_use" -> FinishReason.TOOL_CALLS;
      case "refusal" -> FinishReason.CONTENT_FILTER;
      default -> FinishReason.OTHER;
    };
  }

  /**
   * Usage counts as Anthropic reports them, merged field by field as a stream repeats them; -1
   * means not reported yet. Not thread-safe.
   */
  static final class UsageCounts {
    long input = -1;
    long cacheRead = -1;
    long cacheCreation = -1;
    long output = -1;

    /** Takes every count {@code usage} carries; {@code output_tokens} is cumulative, so the latest wins. */
    void merge(@Nullable JsonNode usage) {
      if (usage == null || !usage.isObject()) {
        return;
      }
      input = latest(input, usage.get("input_tokens"));
      cacheRead = latest(cacheRead, usage.get("cache_read_input_tokens"));
      cacheCreation = latest(cacheCreation, usage.get("cache_creation_input_tokens"));
      output = latest(output, usage.get("output_tokens"));
    }

    private static long latest(long current, @Nullable JsonNode node) {
      long v = Json.count(node);
      return v >= 0 ? v : current;
    }

    boolean reported() {
      return input >= 0 || output >= 0;
    }

    /**
     * The normalised usage: input is {@code input_tokens + cache_read_input_tokens +
     * cache_creation_input_tokens}, as {@link Usage} defines it.
     */
    Usage toUsage() {
      long read = Math.max(0, cacheRead);
      long creation = Math.max(0, cacheCreation);
      return new Usage(Math.max(0, input) + read + creation, Math.max(0, output), read, creation, 0, false);
    }
  }
}
