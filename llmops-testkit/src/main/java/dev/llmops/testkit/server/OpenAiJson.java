package dev.llmops.testkit.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * The server side of the Chat Completions wire format, written independently of the adapter so
 * that each checks the other: response, chunk and error JSON, and requests read back into {@link
 * ChatRequest}s. Stateless.
 */
final class OpenAiJson implements WireDialect {
  static final ObjectMapper MAPPER = FakeHttpServer.MAPPER;
  static final OpenAiJson DIALECT = new OpenAiJson();

  private OpenAiJson() {}

  @Override
  public String name() {
    return "openai";
  }

  @Override
  public String path() {
    return "/v1/chat/completions";
  }

  @Override
  public String errorBody(int status, String message, String type, @Nullable String code) {
    return errorBody(message, type, code);
  }

  @Override
  public String notFound(String message) {
    return errorBody(message, "invalid_request_error", "unknown_url");
  }

  @Override
  public String badRequest(String message) {
    return errorBody(message, "invalid_request_error", null);
  }

  @Override
  public String modelFailure(int status, @Nullable String errorCode) {
    String code = errorCode == null ? "server_error" : errorCode;
    return errorBody("fake model failed", code, code);
  }

  @Override
  public long inputTokens(JsonNode body) {
    long input = 0;
    for (JsonNode m : body.path("messages")) {
      input += Math.max(1, FakeChatModel.estimateTokens(m.path("content").asText("")));
    }
    return input;
  }

  @Override
  public String finishReason(FinishReason reason) {
    return switch (reason) {
      case STOP, OTHER -> "stop";
      case LENGTH -> "length";
      case TOOL_CALLS -> "tool_calls";
      case CONTENT_FILTER -> "content_filter";
    };
  }

  @Override
  public Answer answer(JsonNode body, long number, Instant now) {
    Ids ids = new Ids("chatcmpl-fake-" + number, body.path("model").asText("fake-model"), now.getEpochSecond());
    boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
    return new Answer() {
      @Override
      public String whole(String text, String finishReason, Usage usage, List<ToolCall> toolCalls) {
        return completion(ids, text, finishReason, usage, toolCalls);
      }

      @Override
      public List<String> open(Usage usage) {
        return List.of(sse(chunk(ids, "assistant", "", List.of(), null, includeUsage)));
      }

      @Override
      public String text(String delta) {
        return sse(chunk(ids, null, delta, List.of(), null, includeUsage));
      }

      @Override
      public List<String> close(String finishReason, Usage usage, List<ToolCall> toolCalls) {
        List<String> events = new ArrayList<>(4);
        if (!toolCalls.isEmpty()) {
          events.add(sse(chunk(ids, null, null, toolCalls, null, includeUsage)));
        }
        events.add(sse(chunk(ids, null, null, List.of(), finishReason, includeUsage)));
        if (includeUsage) {
          events.add(sse(usageChunk(ids, usage)));
        }
        events.add(sse("[DONE]"));
        return events;
      }

      @Override
      public String malformed() {
        return sse("{\"id\":\"" + ids.id() + "\",\"choices\":[{\"delta\":{\"content\":");
      }
    };
  }

  private static String sse(String data) {
    return "data: " + data + "\n\n";
  }

  /** Identifies one answer in every object written for it. */
  record Ids(String id, String model, long created) {}

  private static String json(FakeHttpServer.JsonBody body) {
    return FakeHttpServer.json(body);
  }

  static String errorBody(String message, String type, @Nullable String code) {
    return json(g -> {
      g.writeStartObject();
      g.writeObjectFieldStart("error");
      g.writeStringField("message", message);
      g.writeStringField("type", type);
      g.writeNullField("param");
      if (code == null) {
        g.writeNullField("code");
      } else {
        g.writeStringField("code", code);
      }
      g.writeEndObject();
      g.writeEndObject();
    });
  }

  private static void header(JsonGenerator g, Ids ids, String object) throws IOException {
    g.writeStringField("id", ids.id());
    g.writeStringField("object", object);
    g.writeNumberField("created", ids.created());
    g.writeStringField("model", ids.model());
    g.writeStringField("system_fingerprint", "fp_llmops_fake");
  }

  /** A {@code chat.completion} object. */
  static String completion(Ids ids, String text, String finishReason, Usage usage, List<ToolCall> toolCalls) {
    return json(g -> {
      g.writeStartObject();
      header(g, ids, "chat.completion");
      g.writeArrayFieldStart("choices");
      g.writeStartObject();
      g.writeNumberField("index", 0);
      g.writeObjectFieldStart("message");
      g.writeStringField("role", "assistant");
      if (text.isEmpty() && !toolCalls.isEmpty()) {
        g.writeNullField("content");
      } else {
        g.writeStringField("content", text);
      }
      g.writeNullField("refusal");
      if (!toolCalls.isEmpty()) {
        g.writeArrayFieldStart("tool_calls");
        for (ToolCall call : toolCalls) {
          writeToolCall(g, call, -1);
        }
        g.writeEndArray();
      }
      g.writeArrayFieldStart("annotations");
      g.writeEndArray();
      g.writeEndObject();
      g.writeNullField("logprobs");
      g.writeStringField("finish_reason", finishReason);
      g.writeEndObject();
      g.writeEndArray();
      g.writeFieldName("usage");
      writeUsage(g, usage);
      g.writeStringField("service_tier", "default");
      g.writeEndObject();
    });
  }

  private static void writeToolCall(JsonGenerator g, ToolCall call, int index) throws IOException {
    g.writeStartObject();
    if (index >= 0) {
      g.writeNumberField("index", index);
    }
    g.writeStringField("id", call.id());
    g.writeStringField("type", "function");
    g.writeObjectFieldStart("function");
    g.writeStringField("name", call.name());
    g.writeStringField("arguments", call.argumentsJson());
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writeUsage(JsonGenerator g, Usage usage) throws IOException {
    g.writeStartObject();
    g.writeNumberField("prompt_tokens", usage.inputTokens());
    g.writeNumberField("completion_tokens", usage.outputTokens());
    g.writeNumberField("total_tokens", usage.totalTokens());
    g.writeObjectFieldStart("prompt_tokens_details");
    g.writeNumberField("cached_tokens", usage.cachedInputTokens());
    g.writeNumberField("audio_tokens", 0);
    g.writeEndObject();
    g.writeObjectFieldStart("completion_tokens_details");
    g.writeNumberField("reasoning_tokens", usage.reasoningTokens());
    g.writeNumberField("audio_tokens", 0);
    g.writeNumberField("accepted_prediction_tokens", 0);
    g.writeNumberField("rejected_prediction_tokens", 0);
    g.writeEndObject();
    g.writeEndObject();
  }

  /**
   * A {@code chat.completion.chunk} with one choice.
   *
   * @param role the delta's role (the first chunk), or null
   * @param content the delta's content, or null
   * @param toolCalls tool calls sent whole in this delta; empty for none
   * @param finishReason the finish reason, or null before the end
   * @param usageNull whether to write {@code "usage": null} (with {@code include_usage})
   */
  static String chunk(Ids ids, @Nullable String role, @Nullable String content, List<ToolCall> toolCalls,
      @Nullable String finishReason, boolean usageNull) {
    return json(g -> {
      g.writeStartObject();
      header(g, ids, "chat.completion.chunk");
      g.writeArrayFieldStart("choices");
      g.writeStartObject();
      g.writeNumberField("index", 0);
      g.writeObjectFieldStart("delta");
      if (role != null) {
        g.writeStringField("role", role);
      }
      if (content != null) {
        g.writeStringField("content", content);
      }
      if (!toolCalls.isEmpty()) {
        g.writeArrayFieldStart("tool_calls");
        for (int i = 0; i < toolCalls.size(); i++) {
          writeToolCall(g, toolCalls.get(i), i);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
      g.writeNullField("logprobs");
      if (finishReason == null) {
        g.writeNullField("finish_reason");
      } else {
        g.writeStringField("finish_reason", finishReason);
      }
      g.writeEndObject();
      g.writeEndArray();
      if (usageNull) {
        g.writeNullField("usage");
      }
      g.writeEndObject();
    });
  }

  /** The final usage chunk of a stream with {@code include_usage}: empty choices, the usage. */
  static String usageChunk(Ids ids, Usage usage) {
    return json(g -> {
      g.writeStartObject();
      header(g, ids, "chat.completion.chunk");
      g.writeArrayFieldStart("choices");
      g.writeEndArray();
      g.writeFieldName("usage");
      writeUsage(g, usage);
      g.writeEndObject();
    });
  }

  /**
   * Reads a {@code CreateChatCompletionRequest} body into a request for a {@link
   * dev.llmops.testkit.FakeChatModel}: messages (string or text-part content), output limit,
   * temperature, top-p, stop, seed, penalties, tools and response format.
   *
   * @throws IllegalArgumentException naming the field that is missing or invalid
   */
  @Override
  public ChatRequest toChatRequest(JsonNode body) {
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray()) {
      throw new IllegalArgumentException("messages is required and must be an array");
    }
    ChatRequest.Builder request = ChatRequest.builder();
    for (int i = 0; i < messages.size(); i++) {
      request.message(toMessage(messages.get(i), i));
    }
    GenerationParameters.Builder p = GenerationParameters.builder();
    JsonNode max = body.has("max_completion_tokens") ? body.get("max_completion_tokens") : body.get("max_tokens");
    if (max != null && max.isIntegralNumber()) {
      p.maxOutputTokens(max.asInt());
    }
    FakeHttpServer.sampling(body, p, "stop");
    if (body.hasNonNull("seed")) {
      p.seed(body.get("seed").asLong());
    }
    if (body.hasNonNull("presence_penalty")) {
      p.presencePenalty(body.get("presence_penalty").asDouble());
    }
    if (body.hasNonNull("frequency_penalty")) {
      p.frequencyPenalty(body.get("frequency_penalty").asDouble());
    }
    request.parameters(p.build());
    if (body.hasNonNull("tools")) {
      request.toolsJson(body.get("tools").toString());
    }
    if (body.hasNonNull("response_format")) {
      request.responseFormatJson(body.get("response_format").toString());
    }
    return request.build();
  }

  private static Message toMessage(JsonNode m, int i) {
    String where = "messages[" + i + "]";
    String role = m.path("role").asText("");
    String content = text(m.get("content"));
    return switch (role) {
      case "system", "developer" -> Message.system(content);
      case "user" -> Message.user(content);
      case "assistant" -> {
        List<ToolCall> calls = new ArrayList<>();
        JsonNode toolCalls = m.get("tool_calls");
        if (toolCalls != null && toolCalls.isArray()) {
          for (JsonNode c : toolCalls) {
            JsonNode fn = c.path("function");
            calls.add(new ToolCall(c.path("id").asText(""), fn.path("name").asText(""),
                fn.path("arguments").asText("")));
          }
        }
        yield new Message(Role.ASSISTANT, content, calls, null);
      }
      case "tool" -> {
        JsonNode id = m.get("tool_call_id");
        if (id == null || !id.isTextual()) {
          throw new IllegalArgumentException(where + ".tool_call_id is required for a tool message");
        }
        yield Message.tool(id.asText(), content);
      }
      default -> throw new IllegalArgumentException(where + ".role '" + role + "' is not supported");
    };
  }

  private static String text(@Nullable JsonNode content) {
    return FakeHttpServer.text(content);
  }

}
