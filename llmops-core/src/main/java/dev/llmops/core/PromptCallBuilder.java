package dev.llmops.core;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.PromptRef;
import dev.llmops.api.StreamHandler;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A call of a registered prompt being set up: which label or version, the template variables and
 * who the call is for, then one of {@link #call()}, {@link #callAsync()} or {@link #stream}. The
 * prompt step ({@link LlmClient.Builder#prompts}) resolves and renders it; the rendered messages
 * go first, then any messages of {@link #request(ChatRequest)}. Not thread-safe; use once.
 *
 * <pre>{@code
 * Completion c = client.prompt("support-reply")
 *     .variable("question", question)
 *     .context(CallContext.tenant("acme"))
 *     .call();
 * }</pre>
 */
public final class PromptCallBuilder {
  // ChatRequest is immutable: one empty request serves every builder that is given none.
  private static final ChatRequest NO_REQUEST = ChatRequest.builder().build();

  private final LlmClient client;
  private final String name;
  private @Nullable String label;
  private @Nullable Integer version;
  // Immutable (Map.of / Map.copyOf, which PromptRef keeps as it is) until a second source of
  // variables arrives; then a HashMap this builder owns. PromptRef copies it once at the end.
  private Map<String, Object> variables = Map.of();
  private boolean owned;
  // Whether variable() already made an immutable map of one more variable (it does so once).
  private boolean extended;
  private CallContext context = CallContext.empty();
  private ChatRequest request = NO_REQUEST;

  PromptCallBuilder(LlmClient client, String name) {
    this.client = client;
    this.name = Objects.requireNonNull(name, "name");
  }

  /** Resolves this label (default: the registry's default label, {@code production}). */
  public PromptCallBuilder label(String label) {
    this.label = Objects.requireNonNull(label, "label");
    this.version = null;
    return this;
  }

  /**
   * Pins an exact version, which wins over a label.
   *
   * @throws IllegalArgumentException if below 1
   */
  public PromptCallBuilder version(int version) {
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1 but was " + version);
    }
    this.version = version;
    return this;
  }

  /** Adds template variables (values are rendered with {@code toString()}; maps and lists drive sections). */
  public PromptCallBuilder variables(Map<String, ?> variables) {
    Objects.requireNonNull(variables, "variables");
    if (this.variables.isEmpty()) {
      // The first (usually only) source: one immutable copy (none if it is one already), which
      // rejects null names and values itself; walking the map to check first would allocate an
      // entry per variable of a Map.of on every call.
      try {
        this.variables = Map.copyOf(variables);
      } catch (NullPointerException e) {
        variables.forEach(PromptCallBuilder::check); // says whether a name or a value was null
        throw e;
      }
      owned = false;
    } else {
      variables.forEach(PromptCallBuilder::check);
      mutable().putAll(variables);
    }
    return this;
  }

  /** Adds one template variable. */
  public PromptCallBuilder variable(String name, Object value) {
    check(name, value);
    if (!owned && !extended && !variables.containsKey(name)) {
      // The usual call adds one variable (a ticket, a question) to a shared map: an immutable map
      // of one more entry, which PromptRef keeps, rather than a HashMap that PromptRef copies.
      variables = with(variables, name, value);
      extended = true;
      return this;
    }
    mutable().put(name, value);
    return this;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Map<String, Object> with(Map<String, Object> base, String name, Object value) {
    Map.Entry<String, Object>[] entries = new Map.Entry[base.size() + 1];
    int k = 0;
    for (Map.Entry<String, Object> e : base.entrySet()) {
      entries[k++] = e;
    }
    entries[k] = Map.entry(name, value);
    return Map.ofEntries(entries);
  }

  private Map<String, Object> mutable() {
    if (!owned) {
      variables = new HashMap<>(variables);
      owned = true;
    }
    return variables;
  }

  private static void check(String name, Object value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }

  /** Sets who the call is made for. */
  public PromptCallBuilder context(CallContext context) {
    this.context = Objects.requireNonNull(context, "context");
    return this;
  }

  /**
   * Sets a request to merge with the prompt: its messages are appended after the rendered ones,
   * its model and parameters override the prompt version's defaults.
   */
  public PromptCallBuilder request(ChatRequest request) {
    this.request = Objects.requireNonNull(request, "request");
    return this;
  }

  /**
   * Makes the call and waits for it.
   *
   * @throws dev.llmops.api.LlmException the call's failure, for example {@link
   *     dev.llmops.api.PromptNotFoundException} or {@link
   *     dev.llmops.api.TemplateVariableMissingException}
   * @throws IllegalStateException if the client has no prompt registry
   */
  public Completion call() {
    return start().call();
  }

  /** Makes the call without waiting; cancelling the future cancels the call. */
  public CompletableFuture<Completion> callAsync() {
    return start().callAsync();
  }

  /** Streams the call, delivering chunks to {@code handler}. */
  public StreamingCall stream(StreamHandler handler) {
    return start().stream(handler);
  }

  private CallBuilder start() {
    if (!client.hasPromptStep()) {
      throw new IllegalStateException(
          "client.prompt(\"" + name + "\") needs a prompt registry: LlmClient.builder().prompts(registry)");
    }
    return client.request(request)
        .context(context)
        .attribute(PromptRef.KEY, new PromptRef(name, label, version, variables));
  }
}
