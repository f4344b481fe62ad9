package dev.llmops.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.networknt.schema.Schema;
import dev.llmops.api.ToolDefinition;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A tool an {@link Agent} offers the model: its {@link ToolDefinition} (name, description, JSON
 * Schema of the arguments, given or generated from a record), the Java function that runs it, and
 * how it runs: a timeout per attempt, how many attempts, whether it is idempotent (may run again
 * after a crash left its execution unrecorded) and whether it needs approval before it runs.
 *
 * <pre>{@code
 * record OrderQuery(String orderId) {}
 * Tool lookup = Tool.of("lookup_order", "Finds an order by id", OrderQuery.class,
 *     q -> orders.find(q.orderId()));        // the result is sent as JSON (a String as it is)
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Tool {
  private final ToolDefinition definition;
  private final Schema schema;
  private final ToolHandler handler;
  private final @Nullable Duration timeout;
  private final int maxAttempts;
  private final boolean idempotent;
  private final boolean requiresApproval;
  private final boolean synchronous;

  private Tool(Builder b, ToolHandler handler, String schemaJson) {
    this.definition = ToolDefinition.of(b.name, b.description, schemaJson);
    this.schema = Schemas.compile(b.name, schemaJson);
    this.handler = handler;
    this.timeout = b.timeout;
    this.maxAttempts = b.maxAttempts;
    this.idempotent = b.idempotent;
    this.requiresApproval = b.requiresApproval;
    this.synchronous = b.synchronous;
  }

  /** A builder for the tool {@code name} (1 to 64 characters of {@code [a-zA-Z0-9_-]}). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * A synchronous tool whose arguments schema is generated from the record {@code argumentsType};
   * the function's result is sent to the model as JSON, a {@code String} as it is.
   *
   * @throws IllegalArgumentException if the type is not a record of supported component types
   */
  public static <A> Tool of(String name, String description, Class<A> argumentsType, Function<A, ?> function) {
    Objects.requireNonNull(function, "function");
    ObjectReader reader = Schemas.MAPPER.readerFor(argumentsType); // made once, not per call
    return builder(name).description(description).parameters(argumentsType)
        .function(inv -> resultText(function.apply(inv.bind(reader, argumentsType))))
        .build();
  }

  /** The text the model reads for a tool's result: a {@code String} as it is, anything else as JSON. */
  static String resultText(@Nullable Object result) {
    if (result instanceof String s) {
      return s;
    }
    try {
      return Schemas.MAPPER.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the tool's result does not serialise to JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The definition sent to the model. */
  public ToolDefinition definition() {
    return definition;
  }

  /** The tool's name. */
  public String name() {
    return definition.name();
  }

  /** The timeout of one attempt, or null for none. */
  public @Nullable Duration timeout() {
    return timeout;
  }

  /** How many attempts an execution may make (1: no retry). */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** Whether an execution a crash left unrecorded may simply run again. */
  public boolean idempotent() {
    return idempotent;
  }

  /** Whether each execution waits for {@link Agent#approve}. */
  public boolean requiresApproval() {
    return requiresApproval;
  }

  ToolHandler handler() {
    return handler;
  }

  /** Whether the handler is a plain function that does its work before it returns. */
  boolean synchronous() {
    return synchronous;
  }

  /** The problems of the parsed {@code arguments} against the compiled schema; empty when they conform. */
  List<String> validate(JsonNode arguments) {
    return Schemas.problems(schema, arguments);
  }

  @Override
  public String toString() {
    return "Tool[" + definition.name() + "]";
  }

  /** Builds a {@link Tool}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private String description = "";
    private @Nullable String schemaJson;
    private @Nullable ToolHandler handler;
    private @Nullable Duration timeout;
    private int maxAttempts = 1;
    private boolean idempotent;
    private boolean requiresApproval;
    private boolean synchronous;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** What the tool does and when to use it, for the model. */
    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    /** The arguments' JSON Schema, a JSON object. */
    public Builder parametersSchema(String schemaJson) {
      this.schemaJson = Objects.requireNonNull(schemaJson, "schemaJson");
      return this;
    }

    /**
     * The arguments' schema generated from a record type.
     *
     * @throws IllegalArgumentException if the type is not a record of supported component types
     */
    public Builder parameters(Class<?> recordType) {
      this.schemaJson = Schemas.ofRecord(Objects.requireNonNull(recordType, "recordType"));
      return this;
    }

    /** What the tool does, asynchronously. */
    public Builder handler(ToolHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      this.synchronous = false;
      return this;
    }

    /**
     * What the tool does, synchronously: on the thread that takes the step, or on the agent's
     * {@link Agent.Builder#toolExecutor tool executor} when it has one (so that parallel calls run
     * at once).
     */
    public Builder function(Function<ToolInvocation, String> function) {
      Objects.requireNonNull(function, "function");
      this.handler = inv -> CompletableFuture.completedFuture(function.apply(inv));
      this.synchronous = true;
      return this;
    }

    /** What the tool does, asynchronously. */
    public Builder asyncFunction(Function<ToolInvocation, ? extends CompletionStage<String>> function) {
      Objects.requireNonNull(function, "function");
      this.handler = function::apply;
      this.synchronous = false;
      return this;
    }

    /** A timeout per attempt, on the client's scheduler (default: none). */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must be positive but was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** How many attempts an execution may make, from 1 (default 1: no retry). */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1 but was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Whether an execution a crash left unrecorded may run again (default false: ask for a decision). */
    public Builder idempotent(boolean idempotent) {
      this.idempotent = idempotent;
      return this;
    }

    /** Whether each execution waits for approval (default false). */
    public Builder requiresApproval(boolean requiresApproval) {
      this.requiresApproval = requiresApproval;
      return this;
    }

    /**
     * Builds the tool.
     *
     * @throws IllegalStateException if no handler or schema was given
     * @throws IllegalArgumentException if the name or schema is invalid
     */
    public Tool build() {
      ToolHandler h = handler;
      if (h == null) {
        throw new IllegalStateException("tool '" + name + "' needs a handler (handler, function or asyncFunction)");
      }
      String s = schemaJson;
      if (s == null) {
        throw new IllegalStateException("tool '" + name + "' needs an arguments schema (parameters or parametersSchema)");
      }
      return new Tool(this, h, s);
    }
  }
}
