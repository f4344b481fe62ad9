package dev.llmops.testkit.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.FinishReason;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.Message;
import dev.llmops.api.Role;
import dev.llmops.api.ToolCall;
import dev.llmops.api.Usage;
import dev.llmops.testkit.FakeChatModel;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The server side of Anthropic's Messages API, written from the API's documented shapes and the
 * official SDK's recorded exchanges, independently of the adapter, so that each checks the other:
 * Message, SSE event and error JSON, and requests read back into {@link ChatRequest}s. Stateless.
 */
final class AnthropicJson implements WireDialect {
  static final AnthropicJson DIALECT = new AnthropicJson();

  private AnthropicJson() {}

  @Override
  public String name() {
    return "anthropic";
  }

  @Override
  public String path() {
    return "/v1/messages";
  }

  /** {@code {"type":"error","error":{"type","message"}}}: Anthropic errors have no code. */
  @Override
  public String errorBody(int status, String message, String type, @Nullable String code) {
    return FakeHttpServer.json(g -> {
      g.writeStartObject();
      g.writeStringField("type", "error");
      g.writeObjectFieldStart("error");
      g.writeStringField("type", type);
      g.writeStringField("message", message);
      g.writeEndObject();
      g.writeEndObject();
    });
  }

  @Override
  public String notFound(String message) {
    return errorBody(404, message, "not_found_error", null);
  }

  @Override
  public String badRequest(String message) {
    return errorBody(400, message, "invalid_request_error", null);
  }

  /** The documented error type of each status; a fault's own code wins when it is an Anthropic type. */
  @Override
  public String modelFailure(int status, @Nullable String errorCode) {
    String type = errorCode != null && errorCode.endsWith("_error") ? errorCode : switch (status) {
      case 400 -> "invalid_request_error";
      case 401 -> "authentication_error";
      case 402 -> "billing_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 408 -> "timeout_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 529 -> "overloaded_error";
      default -> "api_error";
    };
    return errorBody(status, "fake model failed", type, null);
  }

  @Override
  public long inputTokens(JsonNode body) {
    long input = FakeChatModel.estimateTokens(text(body.get("system")));
    for (JsonNode m : body.path("messages")) {
      input += Math.max(1, FakeChatModel.estimateTokens(text(m.get("content"))));
    }
    return input;
  }

  @Override
  public String finishReason(FinishReason reason) {
    return switch (reason) {
      case STOP, OTHER -> "end_turn";
      case LENGTH -> "max_tokens";
      case TOOL_CALLS -> "tool_use";
      case CONTENT_FILTER -> "refusal";
    };
  }

  /** A stop reason: the OpenAI names scripted replies default to, in Anthropic's words. */
  private static String stopReason(String scripted) {
    return switch (scripted) {
      case "stop" -> "end_turn";
      case "length" -> "max_tokens";
      case "tool_calls" -> "tool_use";
      case "content_filter" -> "refusal";
      default -> scripted;
    };
  }

  @Override
  public WireDialect.Answer answer(JsonNode body, long number, Instant now) {
    return new Answer("msg_fake_" + number, body.path("model").asText("fake-model"));
  }

  /** One answer: a Message, or its stream of events. */
  private static final class Answer implements WireDialect.Answer {
    private final String id;
    private final String model;

    Answer(String id, String model) {
      this.id = id;
      this.model = model;
    }

    @Override
    public String whole(String text, String finishReason, Usage usage, List<ToolCall> toolCalls) {
      return FakeHttpServer.json(g -> {
        g.writeStartObject();
        message(g, stopReason(finishReason), usage);
        g.writeArrayFieldStart("content");
        if (!text.isEmpty() || toolCalls.isEmpty()) {
          g.writeStartObject();
          g.writeStringField("type", "text");
          g.writeStringField("text", text);
          g.writeEndObject();
        }
        for (ToolCall call : toolCalls) {
          g.writeStartObject();
          g.writeStringField("type", "tool_use");
          g.writeStringField("id", call.id());
          g.writeStringField("name", call.name());
          g.writeFieldName("input");
          g.writeTree(FakeHttpServer.MAPPER.readTree(call.argumentsJson().isBlank() ? "{}" : call.argumentsJson()));
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      });
    }

    /** The fields of a Message but its content: id, type, role, model, stop reason, usage. */
    private void message(JsonGenerator g, @Nullable String stopReason, Usage usage) throws IOException {
      g.writeStringField("id", id);
      g.writeStringField("type", "message");
      g.writeStringField("role", "assistant");
      g.writeStringField("model", model);
      if (stopReason == null) {
        g.writeArrayFieldStart("content");
        g.writeEndArray();
        g.writeNullField("stop_reason");
      } else {
        g.writeStringField("stop_reason", stopReason);
      }
      g.writeNullField("stop_sequence");
      g.writeFieldName("usage");
      usage(g, usage, true);
    }

    /**
     * Usage as Anthropic counts it: {@code input_tokens} without the cached and cache-written
     * tokens, which are counted beside it.
     */
    private static void usage(JsonGenerator g, Usage usage, boolean serviceTier) throws IOException {
      g.writeStartObject();
      g.writeNumberField("input_tokens", usage.uncachedInputTokens());
      g.writeNumberField("cache_creation_input_tokens", usage.cacheWriteTokens());
      g.writeNumberField("cache_read_input_tokens", usage.cachedInputTokens());
      g.writeNumberField("output_tokens", usage.outputTokens());
      if (serviceTier) {
        g.writeStringField("service_tier", "standard");
      }
      g.writeEndObject();
    }

    @Override
    public List<String> open(Usage usage) {
      Usage start = new Usage(usage.inputTokens(), 1, usage.cachedInputTokens(), usage.cacheWriteTokens(), 0, false);
      return List.of(
          event("message_start", g -> {
            g.writeFieldName("message");
            g.writeStartObject();
            message(g, null, start);
            g.writeEndObject();
          }),
          event("content_block_start", g -> {
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("content_block");
            g.writeStringField("type", "text");
            g.writeStringField("text", "");
            g.writeEndObject();
          }),
          event("ping", g -> { }));
    }

    @Override
    public String text(String delta) {
      return event("content_block_delta", g -> {
        g.writeNumberField("index", 0);
        g.writeObjectFieldStart("delta");
        g.writeStringField("type", "text_delta");
        g.writeStringField("text", delta);
        g.writeEndObject();
      });
    }

    /**
     * The text block's end, each tool call as a {@code tool_use} block whose input arrives in two
     * {@code input_json_delta} pieces (as the API streams it, in fragments that are not JSON on
     * their own), {@code message_delta} with the stop reason and the whole usage, and {@code
     * message_stop}.
     */
    @Override
    public List<String> close(String finishReason, Usage usage, List<ToolCall> toolCalls) {
      List<String> events = new ArrayList<>(3 + toolCalls.size() * 4);
      events.add(blockStop(0));
      for (int i = 0; i < toolCalls.size(); i++) {
        ToolCall call = toolCalls.get(i);
        int index = i + 1;
        events.add(event("content_block_start", g -> {
          g.writeNumberField("index", index);
          g.writeObjectFieldStart("content_block");
          g.writeStringField("type", "tool_use");
          g.writeStringField("id", call.id());
          g.writeStringField("name", call.name());
          g.writeObjectFieldStart("input");
          g.writeEndObject();
          g.writeEndObject();
        }));
        String input = call.argumentsJson().isBlank() ? "{}" : call.argumentsJson();
        int half = input.length() / 2;
        if (half > 0 && Character.isLowSurrogate(input.charAt(half))) {
          half++;
        }
        events.add(inputDelta(index, input.substring(0, half)));
        events.add(inputDelta(index, input.substring(half)));
        events.add(blockStop(index));
      }
      events.add(event("message_delta", g -> {
        g.writeObjectFieldStart("delta");
        g.writeStringField("stop_reason", stopReason(finishReason));
        g.writeNullField("stop_sequence");
        g.writeEndObject();
        g.writeFieldName("usage");
        usage(g, usage, false);
      }));
      events.add(event("message_stop", g -> { }));
      return events;
    }

    @Override
    public String malformed() {
      return "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
          + "\"delta\":{\"type\":\"text_delta\",\"text\":\n\n";
    }

    private static String inputDelta(int index, String partial) {
      return event("content_block_delta", g -> {
        g.writeNumberField("index", index);
        g.writeObjectFieldStart("delta");
        g.writeStringField("type", "input_json_delta");
        g.writeStringField("partial_json", partial);
        g.writeEndObject();
      });
    }

    private static String blockStop(int index) {
      return event("content_block_stop", g -> g.writeNumberField("index", index));
    }

    /** An SSE event named {@code type} whose data is {@code {"type": type, ...fields}}. */
    private static String event(String type, FakeHttpServer.JsonBody fields) {
      return "event: " + type + "\ndata: " + FakeHttpServer.json(g -> {
        g.writeStartObject();
        g.writeStringField("type", type);
        fields.write(g);
        g.writeEndObject();
      }) + "\n\n";
    }
  }

  /**
   * Reads a Messages request body into a request for a {@link FakeChatModel}: {@code system}
   * (text or text blocks), {@code messages} (text, {@code tool_use} and {@code tool_result}
   * blocks), {@code max_tokens} (required, as the API requires it), temperature, top-p, stop
   * sequences, tools and {@code output_config.format}.
   *
   * @throws IllegalArgumentException naming the field that is missing or invalid
   */
  @Override
  public ChatRequest toChatRequest(JsonNode body) {
    JsonNode max = body.get("max_tokens");
    if (max == null || !max.isIntegralNumber() || max.asLong() < 1) {
      throw new IllegalArgumentException("max_tokens: Field required (a positive integer)");
    }
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray()) {
      throw new IllegalArgumentException("messages: Field required (an array)");
    }
    ChatRequest.Builder request = ChatRequest.builder();
    String system = text(body.get("system"));
    if (!system.isEmpty()) {
      request.system(system);
    }
    for (int i = 0; i < messages.size(); i++) {
      addMessage(request, messages.get(i), "messages." + i);
    }
    GenerationParameters.Builder p = GenerationParameters.builder().maxOutputTokens(max.asInt());
    FakeHttpServer.sampling(body, p, "stop_sequences");
    request.parameters(p.build());
    if (body.hasNonNull("tools")) {
      request.toolsJson(body.get("tools").toString());
    }
    JsonNode format = body.path("output_config").get("format");
    if (format != null && !format.isNull()) {
      request.responseFormatJson(format.toString());
    }
    return request.build();
  }

  private static void addMessage(ChatRequest.Builder request, JsonNode m, String where) {
    String role = m.path("role").asText("");
    JsonNode content = m.get("content");
    if (content == null || !(content.isTextual() || content.isArray())) {
      throw new IllegalArgumentException(where + ".content: Field required (a string or an array of blocks)");
    }
    switch (role) {
      case "user" -> {
        // Tool results come back as blocks of a user message; each is one tool message here.
        for (JsonNode block : content.isArray() ? content : List.<JsonNode>of()) {
          if ("tool_result".equals(block.path("type").asText())) {
            JsonNode id = block.get("tool_use_id");
            if (id == null || !id.isTextual()) {
              throw new IllegalArgumentException(where + ".content.tool_use_id: Field required");
            }
            request.message(Message.tool(id.asText(), text(block.get("content"))));
          }
        }
        String text = text(content);
        if (!text.isEmpty() || content.isTextual()) {
          request.message(Message.user(text));
        }
      }
      case "assistant" -> {
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode block : content.isArray() ? content : List.<JsonNode>of()) {
          if ("tool_use".equals(block.path("type").asText())) {
            calls.add(new ToolCall(block.path("id").asText(""), block.path("name").asText(""),
                block.path("input").toString()));
          }
        }
        request.message(new Message(Role.ASSISTANT, text(content), calls, null));
      }
      default -> throw new IllegalArgumentException(
          where + ".role: '" + role + "' is not one of 'user', 'assistant' (system goes in 'system')");
    }
  }

  private static String text(@Nullable JsonNode content) {
    return FakeHttpServer.text(content);
  }
}
