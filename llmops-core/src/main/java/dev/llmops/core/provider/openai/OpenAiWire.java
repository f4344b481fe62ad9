package dev.llmops.core.provider.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.InvalidRequestException;
import dev.llmops.api.Message;
import dev.llmops.api.ToolCall;
import dev.llmops.api.ToolChoice;
import dev.llmops.api.ToolDefinition;
import dev.llmops.api.ToolSet;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.core.provider.internal.Json;
import dev.llmops.core.provider.internal.ProviderErrors;
import dev.llmops.core.provider.internal.ProviderErrors.ErrorBody;
import dev.llmops.core.provider.internal.StreamDecoder;
import dev.llmops.core.provider.internal.WireFormat;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The Chat Completions wire format: writes request bodies, reads completion and chunk objects into
 * an {@link OpenAiTurn} with a streaming parser (no tree, unknown fields skipped). Immutable and
 * thread-safe.
 */
final class OpenAiWire implements WireFormat {
  private final String provider;
  private final String model;
  private final boolean includeUsage;
  private final boolean legacyMaxTokens;

  OpenAiWire(String provider, String model, boolean includeUsage, boolean legacyMaxTokens) {
    this.provider = provider;
    this.model = model;
    this.includeUsage = includeUsage;
    this.legacyMaxTokens = legacyMaxTokens;
  }

  @Override
  public String path() {
    return "/chat/completions";
  }

  /**
   * The JSON body of a {@code POST /chat/completions} for {@code request}.
   *
   * @throws InvalidRequestException if {@code toolsJson} or {@code responseFormatJson} is not JSON
   */
  @Override
  public byte[] requestBody(ChatRequest request, boolean stream) {
    return Json.write(256 + request.messages().size() * 64, g -> {
      g.writeStartObject();
      g.writeStringField("model", model);
      g.writeArrayFieldStart("messages");
      for (Message m : request.messages()) {
        writeMessage(g, m);
      }
      g.writeEndArray();
      writeParameters(g, request.parameters(), legacyMaxTokens);
      if (request.toolsJson() != null) {
        g.writeFieldName("tools");
        g.writeTree(Json.passThrough(request.toolsJson(), "toolsJson", provider, model));
      }
      writeTools(g, request.tools());
      if (request.responseFormatJson() != null) {
        g.writeFieldName("response_format");
        g.writeTree(Json.passThrough(request.responseFormatJson(), "responseFormatJson", provider, model));
      }
      if (stream) {
        g.writeBooleanField("stream", true);
        if (includeUsage) {
          g.writeObjectFieldStart("stream_options");
          g.writeBooleanField("include_usage", true);
          g.writeEndObject();
        }
      }
      g.writeEndObject();
    });
  }

  @Override
  public ChatResponse parse(ChatRequest request, byte[] body, Map<String, String> headerMetadata) {
    OpenAiTurn turn = new OpenAiTurn(model);
    try (JsonParser p = Json.FACTORY.createParser(body)) {
      read(p, turn);
    } catch (IOException e) {
      throw new MalformedBody("the response body " + Json.problem(e));
    }
    String errorType = turn.errorType();
    if (errorType != null) {
      throw ProviderErrors.fromStreamError(provider, model, new ErrorBody(turn.errorCode(), errorType));
    }
    String problem = turn.problem();
    if (problem != null) {
      throw new MalformedBody(problem);
    }
    if (turn.finishRaw() == null) {
      throw new MalformedBody("choices[0].finish_reason is missing");
    }
    return turn.response(request, headerMetadata);
  }

  @Override
  public StreamDecoder decoder(ChatRequest request, ModelExchange exchange, Map<String, String> headerMetadata) {
    return new OpenAiStreamDecoder(provider, model, request, exchange, headerMetadata);
  }

  /** Typed tools as {@code tools}, {@code tool_choice} and {@code parallel_tool_calls}. */
  private void writeTools(JsonGenerator g, ToolSet tools) throws IOException {
    if (tools.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart("tools");
    for (ToolDefinition d : tools.definitions()) {
      g.writeStartObject();
      g.writeStringField("type", "function");
      g.writeObjectFieldStart("function");
      g.writeStringField("name", d.name());
      if (!d.description().isEmpty()) {
        g.writeStringField("description", d.description());
      }
      g.writeFieldName("parameters");
      g.writeTree(Json.passThrough(d.parametersSchemaJson(), "tools[" + d.name() + "].parametersSchemaJson", provider, model));
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndArray();
    ToolChoice choice = tools.choice();
    if (choice != null) {
      switch (choice.mode()) {
        case AUTO -> g.writeStringField("tool_choice", "auto");
        case NONE -> g.writeStringField("tool_choice", "none");
        case REQUIRED -> g.writeStringField("tool_choice", "required");
        case TOOL -> {
          g.writeObjectFieldStart("tool_choice");
          g.writeStringField("type", "function");
          g.writeObjectFieldStart("function");
          g.writeStringField("name", String.valueOf(choice.toolName()));
          g.writeEndObject();
          g.writeEndObject();
        }
      }
    }
    Boolean parallel = tools.parallelToolCalls();
    if (parallel != null) {
      g.writeBooleanField("parallel_tool_calls", parallel);
    }
  }

  private static void writeMessage(JsonGenerator g, Message m) throws IOException {
    g.writeStartObject();
    switch (m.role()) {
      case SYSTEM -> {
        g.writeStringField("role", "system");
        g.writeStringField("content", m.content());
      }
      case USER -> {
        g.writeStringField("role", "user");
        g.writeStringField("content", m.content());
      }
      case ASSISTANT -> {
        g.writeStringField("role", "assistant");
        if (m.toolCalls().isEmpty() || !m.content().isEmpty()) {
          g.writeStringField("content", m.content());
        } else {
          g.writeNullField("content");
        }
        if (!m.toolCalls().isEmpty()) {
          g.writeArrayFieldStart("tool_calls");
          for (ToolCall call : m.toolCalls()) {
            g.writeStartObject();
            g.writeStringField("id", call.id());
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", call.name());
            g.writeStringField("arguments", call.argumentsJson());
            g.writeEndObject();
            g.writeEndObject();
          }
          g.writeEndArray();
        }
      }
      case TOOL -> {
        g.writeStringField("role", "tool");
        g.writeStringField("tool_call_id", String.valueOf(m.toolCallId()));
        g.writeStringField("content", m.content());
      }
    }
    g.writeEndObject();
  }

  private static void writeParameters(JsonGenerator g, GenerationParameters p, boolean legacyMaxTokens)
      throws IOException {
    if (p.temperature() != null) {
      g.writeNumberField("temperature", p.temperature());
    }
    if (p.topP() != null) {
      g.writeNumberField("top_p", p.topP());
    }
    if (p.maxOutputTokens() != null) {
      g.writeNumberField(legacyMaxTokens ? "max_tokens" : "max_completion_tokens", p.maxOutputTokens());
    }
    if (!p.stopSequences().isEmpty()) {
      g.writeArrayFieldStart("stop");
      for (String s : p.stopSequences()) {
        g.writeString(s);
      }
      g.writeEndArray();
    }
    if (p.seed() != null) {
      g.writeNumberField("seed", p.seed());
    }
    if (p.presencePenalty() != null) {
      g.writeNumberField("presence_penalty", p.presencePenalty());
    }
    if (p.frequencyPenalty() != null) {
      g.writeNumberField("frequency_penalty", p.frequencyPenalty());
    }
  }

  /**
   * Reads one completion or chunk object (the parser positioned before its first token) into
   * {@code turn}. Only the first choice ({@code index} 0) is read.
   *
   * @throws IOException if the JSON is malformed or not an object
   */
  static void read(JsonParser p, OpenAiTurn turn) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new IOException("expected a JSON object");
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "id" -> {
          turn.id(Json.textOrNull(p, value));
        }
        case "model" -> {
          turn.model(Json.textOrNull(p, value));
        }
        case "system_fingerprint" -> {
          turn.systemFingerprint(Json.textOrNull(p, value));
        }
        case "choices" -> {
          if (value == JsonToken.START_ARRAY) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
              readChoice(p, turn);
            }
          } else {
            p.skipChildren();
          }
        }
        case "usage" -> {
          if (value == JsonToken.START_OBJECT) {
            readUsage(p, turn);
          } else {
            p.skipChildren();
          }
        }
        case "error" -> {
          if (value == JsonToken.START_OBJECT) {
            readError(p, turn);
          } else {
            p.skipChildren();
          }
        }
        default -> {
          p.skipChildren();
        }
      }
    }
  }

  private static void readChoice(JsonParser p, OpenAiTurn turn) throws IOException {
    long index = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      // "index" comes first in every server's output; a later choice is skipped whole.
      if (field.equals("index")) {
        index = Json.longOrMissing(p, value);
      } else if (index != 0) {
        p.skipChildren();
      } else if ((field.equals("delta") || field.equals("message")) && value == JsonToken.START_OBJECT) {
        readMessage(p, turn);
      } else if (field.equals("finish_reason")) {
        String reason = Json.textOrNull(p, value);
        if (reason != null) {
          turn.finishReason(reason);
        }
      } else {
        p.skipChildren();
      }
    }
  }

  private static void readMessage(JsonParser p, OpenAiTurn turn) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "content" -> {
          if (value == JsonToken.VALUE_STRING) {
            turn.appendText(p.getText());
          } else {
            p.skipChildren();
          }
        }
        case "refusal" -> {
          if (value == JsonToken.VALUE_STRING) {
            turn.appendRefusal(p.getText());
          } else {
            p.skipChildren();
          }
        }
        case "tool_calls" -> {
          if (value == JsonToken.START_ARRAY) {
            int position = 0;
            while (p.nextToken() == JsonToken.START_OBJECT) {
              readToolCall(p, turn, position++);
            }
          } else {
            p.skipChildren();
          }
        }
        default -> {
          p.skipChildren();
        }
      }
    }
  }

  private static void readToolCall(JsonParser p, OpenAiTurn turn, int position) throws IOException {
    int index = position;
    String id = null;
    String name = null;
    String arguments = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "index" -> {
          index = (int) Json.longOrMissing(p, value);
        }
        case "id" -> {
          id = Json.textOrNull(p, value);
        }
        case "function" -> {
          String[] fn = {name, arguments};
          readStrings(p, value, fn, "name", "arguments");
          name = fn[0];
          arguments = fn[1];
        }
        default -> {
          p.skipChildren();
        }
      }
    }
    turn.toolCallDelta(index, id, name, arguments);
  }

  private static void readUsage(JsonParser p, OpenAiTurn turn) throws IOException {
    // prompt, completion, cached, cache write, reasoning; -1 when absent
    long[] counts = {-1, -1, -1, -1, -1};
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "prompt_tokens" -> counts[0] = Json.longOrMissing(p, value);
        case "completion_tokens" -> counts[1] = Json.longOrMissing(p, value);
        case "prompt_tokens_details" -> readCounts(p, value, counts, "cached_tokens", 2, "cache_write_tokens", 3);
        case "completion_tokens_details" -> readCounts(p, value, counts, "reasoning_tokens", 4, "", -1);
        default -> p.skipChildren();
      }
    }
    turn.usage(counts[0], counts[1], counts[2], counts[3], counts[4]);
  }

  /** Reads up to two integer fields of a details object into {@code counts}; skips the rest. */
  private static void readCounts(
      JsonParser p, JsonToken value, long[] counts, String first, int firstSlot, String second, int secondSlot)
      throws IOException {
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken v = p.nextToken();
      if (f.equals(first)) {
        counts[firstSlot] = Json.longOrMissing(p, v);
      } else if (f.equals(second)) {
        counts[secondSlot] = Json.longOrMissing(p, v);
      } else {
        p.skipChildren();
      }
    }
  }

  private static void readError(JsonParser p, OpenAiTurn turn) throws IOException {
    @Nullable String[] typeAndCode = {null, null};
    readStrings(p, JsonToken.START_OBJECT, typeAndCode, "type", "code");
    turn.error(typeAndCode[0] == null ? "" : typeAndCode[0], typeAndCode[1] == null ? "" : typeAndCode[1]);
  }

  /** Reads two string fields of an object into {@code into}; skips the rest. */
  private static void readStrings(
      JsonParser p, JsonToken value, @Nullable String[] into, String first, String second) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken v = p.nextToken();
      if (f.equals(first)) {
        into[0] = Json.textOrNull(p, v);
      } else if (f.equals(second)) {
        into[1] = Json.textOrNull(p, v);
      } else {
        p.skipChildren();
      }
    }
  }
}
