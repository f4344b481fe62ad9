package dev.llmops.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A chat request: which model endpoint, the messages, generation parameters and metadata.
 * Immutable and thread-safe.
 *
 * @param model the name of a model endpoint registered with the client (for example {@code
 *     "fast"}), or null for the client's default endpoint. A provider adapter ignores it and sends
 *     the provider model id it was configured with.
 * @param messages the conversation; may be empty only while a pipeline step (a prompt) is still
 *     to fill it in: the client rejects a request that reaches a model without messages
 * @param parameters generation parameters
 * @param toolsJson tool definitions as a JSON array in the provider's format, passed through; or
 *     null. Prefer the typed {@code tools}; a request cannot have both
 * @param tools typed tool definitions, tool choice and parallel-call flag, written by each adapter
 *     in its provider's format; {@link ToolSet#NONE} when there are none
 * @param responseFormatJson a structured-output format as a JSON object in the provider's format,
 *     passed through; or null
 * @param metadata free-form application key/values; never sent to the provider
 */
public record ChatRequest(
    @Nullable String model,
    List<Message> messages,
    GenerationParameters parameters,
    @Nullable String toolsJson,
    ToolSet tools,
    @Nullable String responseFormatJson,
    Map<String, String> metadata) {

  /**
   * Checks the components and copies the collections.
   *
   * @throws IllegalArgumentException if both {@code toolsJson} and typed {@code tools} are set
   */
  public ChatRequest {
    messages = List.copyOf(messages);
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(tools, "tools");
    if (toolsJson != null && !tools.isEmpty()) {
      throw new IllegalArgumentException("a request has either toolsJson or typed tools, not both");
    }
    metadata = Map.copyOf(metadata);
  }

  /** A request for the default endpoint with one user message. */
  public static ChatRequest of(String userMessage) {
    return builder().user(userMessage).build();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this request. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.model = model;
    b.messages.addAll(messages);
    b.parameters = parameters;
    b.toolsJson = toolsJson;
    b.tools = tools;
    b.responseFormatJson = responseFormatJson;
    b.metadata.putAll(metadata);
    return b;
  }

  /** This request aimed at another model endpoint. */
  public ChatRequest withModel(@Nullable String model) {
    return new ChatRequest(model, messages, parameters, toolsJson, tools, responseFormatJson, metadata);
  }

  /** This request with other parameters. */
  public ChatRequest withParameters(GenerationParameters parameters) {
    return new ChatRequest(model, messages, parameters, toolsJson, tools, responseFormatJson, metadata);
  }

  /** The content of the last user message, or the empty string if there is none. */
  public String lastUserMessage() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role() == Role.USER) {
        return messages.get(i).content();
      }
    }
    return "";
  }

  /** Builds a {@link ChatRequest}. Not thread-safe. */
  public static final class Builder {
    private @Nullable String model;
    private final List<Message> messages = new ArrayList<>();
    private GenerationParameters parameters = GenerationParameters.DEFAULTS;
    private @Nullable String toolsJson;
    private ToolSet tools = ToolSet.NONE;
    private @Nullable String responseFormatJson;
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private Builder() {}

    /** Sets the model endpoint name; null selects the client's default. */
    public Builder model(@Nullable String model) {
      this.model = model;
      return this;
    }

    /** Appends a message. */
    public Builder message(Message message) {
      messages.add(Objects.requireNonNull(message, "message"));
      return this;
    }

    /** Appends messages. */
    public Builder messages(List<Message> messages) {
      messages.forEach(this::message);
      return this;
    }

    /** Appends a system message. */
    public Builder system(String content) {
      return message(Message.system(content));
    }

    /** Appends a user message. */
    public Builder user(String content) {
      return message(Message.user(content));
    }

    /** Appends an assistant message. */
    public Builder assistant(String content) {
      return message(Message.assistant(content));
    }

    /** Sets the generation parameters. */
    public Builder parameters(GenerationParameters parameters) {
      this.parameters = Objects.requireNonNull(parameters, "parameters");
      return this;
    }

    /** Sets the temperature (a shortcut for the parameters). */
    public Builder temperature(double temperature) {
      this.parameters = parameters.toBuilder().temperature(temperature).build();
      return this;
    }

    /** Sets the output token limit (a shortcut for the parameters). */
    public Builder maxOutputTokens(int maxOutputTokens) {
      this.parameters = parameters.toBuilder().maxOutputTokens(maxOutputTokens).build();
      return this;
    }

    /** Sets the tool definitions JSON, passed through to the provider. */
    public Builder toolsJson(@Nullable String toolsJson) {
      this.toolsJson = toolsJson;
      return this;
    }

    /** Sets the typed tools (definitions, choice, parallel-call flag). */
    public Builder tools(ToolSet tools) {
      this.tools = Objects.requireNonNull(tools, "tools");
      return this;
    }

    /** Sets typed tool definitions with the provider's default choice. */
    public Builder tools(ToolDefinition... definitions) {
      return tools(ToolSet.of(definitions));
    }

    /** Sets the response format JSON, passed through to the provider. */
    public Builder responseFormatJson(@Nullable String responseFormatJson) {
      this.responseFormatJson = responseFormatJson;
      return this;
    }

    /** Adds a metadata entry. */
    public Builder metadata(String key, String value) {
      metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Builds the request. */
    public ChatRequest build() {
      // Map.copyOf walks even an empty map's entry set; most requests carry no metadata.
      return new ChatRequest(
          model, messages, parameters, toolsJson, tools, responseFormatJson, metadata.isEmpty() ? Map.of() : metadata);
    }
  }
}
