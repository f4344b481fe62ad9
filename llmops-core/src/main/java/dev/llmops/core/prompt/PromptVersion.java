package dev.llmops.core.prompt;

import com.github.mustachejava.Mustache;
import dev.llmops.api.ConfigurationException;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.Message;
import dev.llmops.api.Role;
import dev.llmops.api.TemplateVariableMissingException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One immutable, numbered version of a named prompt: chat-message templates, the default model
 * endpoint and generation parameters, free-form metadata, and a content hash.
 *
 * <p>The <b>content hash</b> is the SHA-256 (hex) of {@link #canonicalForm()}: compact JSON of the
 * messages (role and template text, in order), the model and the parameters that are set, with a
 * fixed key order and numbers in plain decimal form. Two versions hash alike exactly when that
 * content is alike; the prompt's name, its version number and its metadata are not part of it.
 *
 * <p>Templates are compiled once, when the version is built, with mustache.java: {@code
 * {{name}}} values, {@code {{a.b}}} paths into nested maps, {@code {{#list}}...{{/list}}} and
 * {@code {{^flag}}...{{/flag}}} sections. Nothing is HTML-escaped (this is LLM text) and partials
 * are not supported. Rendering is strict: a name the variables do not supply fails.
 *
 * <p>Immutable and thread-safe.
 */
public final class PromptVersion {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final int RECENT_FINGERPRINTS = 4;

  private final String name;
  private final int version;
  private final List<MessageTemplate> messages;
  private final @Nullable String model;
  private final GenerationParameters parameters;
  private final Map<String, String> metadata;
  private final String canonicalForm;
  private final String contentHash;
  private final String parametersHash;
  private final boolean setsParameters;
  private final Mustache[] compiled;
  /** Per message: its plain form, or null when mustache.java renders it. */
  private final @Nullable PlainTemplate[] plain;
  /** Per message: the message itself when its text has no variables, else null. */
  private final @Nullable Message[] constant;
  private final Set<String> variables;
  private final String[] variableNames;
  /**
   * The last few fingerprints handed out with the parameters they were made for, most recent first
   * (an experiment's variants alternate between a few), and the last resolution event: calls mostly
   * repeat them. Replaced whole.
   */
  private volatile Recent[] recentFingerprints = new Recent[0];
  private volatile PromptEvent.@Nullable Resolved lastResolved;

  private PromptVersion(Builder b, Mustache[] compiled, Set<String> variables) {
    this.name = b.name;
    this.version = b.version;
    this.messages = List.copyOf(b.messages);
    this.model = b.model;
    this.parameters = b.parameters;
    this.metadata = Map.copyOf(b.metadata);
    this.canonicalForm = Canonical.content(messages, model, parameters);
    this.contentHash = Canonical.sha256(canonicalForm);
    this.parametersHash = Fingerprint.hashParameters(parameters);
    this.setsParameters = !parameters.equals(GenerationParameters.DEFAULTS);
    this.compiled = compiled;
    this.variables = variables;
    this.variableNames = variables.toArray(new String[0]);
    this.plain = new PlainTemplate[compiled.length];
    this.constant = new Message[compiled.length];
    for (int i = 0; i < compiled.length; i++) {
      PlainTemplate p = PlainTemplate.of(compiled[i], messages.get(i).role());
      plain[i] = p;
      if (p != null && p.variableCount() == 0) {
        constant[i] = Message.of(messages.get(i).role(), p.constantText());
      }
    }
  }

  /**
   * A builder for version {@code version} of the prompt {@code name}.
   *
   * @throws IllegalArgumentException if the name is not letters, digits, {@code .}, {@code _} or
   *     {@code -} (starting with a letter or digit), or the version is below 1
   */
  public static Builder builder(String name, int version) {
    checkName(name, "prompt name");
    if (version < 1) {
      throw new IllegalArgumentException("prompt '" + name + "': version must be >= 1 but was " + version);
    }
    return new Builder(name, version);
  }

  static String checkName(String name, String what) {
    Objects.requireNonNull(name, what);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what + " '" + name + "' must be letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return name;
  }

  /** The prompt's name. */
  public String name() {
    return name;
  }

  /** The version number, from 1. */
  public int version() {
    return version;
  }

  /** The message templates, in order. */
  public List<MessageTemplate> messages() {
    return messages;
  }

  /** The model endpoint the version was written for, or null for the client's default. */
  public @Nullable String model() {
    return model;
  }

  /** The generation parameters the version was written for; a request's own settings win. */
  public GenerationParameters parameters() {
    return parameters;
  }

  /** Free-form metadata (author, ticket, description); not part of the content hash. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The canonical JSON that {@link #contentHash()} is computed over. */
  public String canonicalForm() {
    return canonicalForm;
  }

  /** SHA-256 of {@link #canonicalForm()}, lower-case hex. */
  public String contentHash() {
    return contentHash;
  }

  /** SHA-256 (lower-case hex) of the canonical form of {@link #parameters()}. */
  public String parametersHash() {
    return parametersHash;
  }

  /** Whether {@link #parameters()} sets anything. */
  boolean setsParameters() {
    return setsParameters;
  }

  /** The top-level variable names the templates refer to. */
  public Set<String> variables() {
    return variables;
  }

  /**
   * Renders the messages with {@code variables}. Values are written with {@code toString()};
   * lists and maps drive sections; {@code false} or an empty list skips a section.
   *
   * @throws TemplateVariableMissingException naming this prompt, version and the variable, if a
   *     template refers to a name the variables do not supply
   */
  public Rendered render(Map<String, ?> variables) {
    Objects.requireNonNull(variables, "variables");
    @SuppressWarnings("unchecked")
    Map<String, Object> scope = (Map<String, Object>) variables;
    int n = compiled.length;
    Message first = message(0, scope);
    List<Message> out;
    if (n == 1) {
      out = List.of(first);
    } else if (n == 2) {
      out = List.of(first, message(1, scope));
    } else {
      Message[] all = new Message[n];
      all[0] = first;
      for (int i = 1; i < n; i++) {
        all[i] = message(i, scope);
      }
      out = List.of(all);
    }
    return new Rendered(this, out, unused(variables));
  }

  private Message message(int i, Map<String, Object> scope) {
    Message fixed = constant[i];
    if (fixed != null) {
      return fixed;
    }
    PlainTemplate p = plain[i];
    Message rendered = p == null ? null : p.render(scope);
    if (rendered != null) {
      return rendered;
    }
    TextWriter writer = new TextWriter(messages.get(i).template().length() + 64);
    String missing = Templates.render(compiled[i], scope, writer);
    if (missing != null) {
      throw new TemplateVariableMissingException(name, version, missing);
    }
    return Message.of(messages.get(i).role(), writer.toString());
  }

  private Set<String> unused(Map<String, ?> supplied) {
    int used = 0;
    for (String v : variableNames) {
      if (supplied.containsKey(v)) {
        used++;
      }
    }
    if (used == supplied.size()) {
      return Set.of();
    }
    Set<String> unused = null;
    for (String key : supplied.keySet()) {
      if (!variables.contains(key)) {
        if (unused == null) {
          unused = new HashSet<>();
        }
        unused.add(key);
      }
    }
    return unused == null ? Set.of() : unused;
  }

  /**
   * The fingerprint of a call rendering this version with {@code parameters} as sent. A recent one
   * made for equal inputs is reused, so the parameters are hashed only for a new combination (and
   * never when they are this version's own, whose hash is computed once, when it is built).
   */
  Fingerprint fingerprint(
      @Nullable String model, GenerationParameters parameters, @Nullable String experimentKey,
      @Nullable String variant) {
    Recent[] recent = recentFingerprints;
    for (Recent r : recent) {
      Fingerprint f = r.fingerprint;
      if (Objects.equals(f.model(), model)
          && r.parameters.equals(parameters)
          && Objects.equals(f.experimentKey(), experimentKey)
          && Objects.equals(f.variant(), variant)) {
        return f;
      }
    }
    String hash = parameters.equals(this.parameters) ? parametersHash : Fingerprint.hashParameters(parameters);
    Fingerprint f = new Fingerprint(name, version, contentHash, model, hash, experimentKey, variant);
    Recent[] next = new Recent[Math.min(recent.length + 1, RECENT_FINGERPRINTS)];
    next[0] = new Recent(parameters, f);
    System.arraycopy(recent, 0, next, 1, next.length - 1);
    recentFingerprints = next;
    return f;
  }

  /** The event for a call resolved to this version; the last one is reused when equal. */
  PromptEvent.Resolved resolved(@Nullable String label, Set<String> unusedVariables) {
    PromptEvent.Resolved last = lastResolved;
    if (last != null && Objects.equals(last.label(), label) && last.unusedVariables().equals(unusedVariables)) {
      return last;
    }
    PromptEvent.Resolved event = new PromptEvent.Resolved(name, label, version, contentHash, unusedVariables);
    lastResolved = event;
    return event;
  }

  /** Equal when name, version, content hash and metadata are equal. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof PromptVersion other
        && other.name.equals(name)
        && other.version == version
        && other.contentHash.equals(contentHash)
        && other.metadata.equals(metadata);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, version, contentHash);
  }

  /** Name, version and hash; never the templates (they may hold sensitive text). */
  @Override
  public String toString() {
    return "PromptVersion[" + name + " v" + version + ", contentHash=" + contentHash.substring(0, 12) + "]";
  }

  /** A fingerprint handed out, and the parameters (as sent) it was made for. */
  private record Recent(GenerationParameters parameters, Fingerprint fingerprint) {}

  /** A {@link Writer} over an unsynchronised {@link StringBuilder}. */
  private static final class TextWriter extends Writer {
    private final StringBuilder sb;

    TextWriter(int capacity) {
      this.sb = new StringBuilder(capacity);
    }

    @Override
    public void write(char[] cbuf, int off, int len) {
      sb.append(cbuf, off, len);
    }

    @Override
    public void write(String str) {
      sb.append(str);
    }

    @Override
    public void write(String str, int off, int len) {
      sb.append(str, off, off + len);
    }

    @Override
    public void write(int c) {
      sb.append((char) c);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    @Override
    public String toString() {
      return sb.toString();
    }
  }

  /**
   * Builds a {@link PromptVersion}. Setters check their argument at once; {@link #build()}
   * compiles the templates. Not thread-safe.
   */
  public static final class Builder {
    private final String name;
    private final int version;
    private final List<MessageTemplate> messages = new ArrayList<>();
    private @Nullable String model;
    private GenerationParameters parameters = GenerationParameters.DEFAULTS;
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private Builder(String name, int version) {
      this.name = name;
      this.version = version;
    }

    /** Appends a message template. */
    public Builder message(Role role, String template) {
      messages.add(new MessageTemplate(role, template));
      return this;
    }

    /** Appends a system message template. */
    public Builder system(String template) {
      return message(Role.SYSTEM, template);
    }

    /** Appends a user message template. */
    public Builder user(String template) {
      return message(Role.USER, template);
    }

    /** Appends an assistant message template (a few-shot example answer, say). */
    public Builder assistant(String template) {
      return message(Role.ASSISTANT, template);
    }

    /** Sets the default model endpoint, or clears it with null (default: none). */
    public Builder model(@Nullable String model) {
      if (model != null && model.isBlank()) {
        throw new IllegalArgumentException("prompt '" + name + "' version " + version + ": model must not be blank");
      }
      this.model = model;
      return this;
    }

    /** Sets the default generation parameters (default: none set). */
    public Builder parameters(GenerationParameters parameters) {
      this.parameters = Objects.requireNonNull(parameters, "parameters");
      return this;
    }

    /** Adds a metadata entry. */
    public Builder metadata(String key, String value) {
      metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Compiles the templates and builds the version.
     *
     * @throws ConfigurationException listing every template with a syntax error (naming the
     *     prompt, version and {@code messages[i]}), or if there are no messages
     */
    public PromptVersion build() {
      String where = "prompt '" + name + "' version " + version;
      if (messages.isEmpty()) {
        throw new ConfigurationException(where + ": messages: at least one message is required");
      }
      Mustache[] compiled = new Mustache[messages.size()];
      Set<String> variables = new HashSet<>();
      List<String> problems = new ArrayList<>();
      for (int i = 0; i < messages.size(); i++) {
        String key = "messages[" + i + "].content";
        try {
          compiled[i] = Templates.compile(messages.get(i).template(), name + " v" + version + " " + key);
          variables.addAll(Templates.variables(compiled[i]));
        } catch (IllegalArgumentException e) {
          problems.add(where + ": " + key + ": template syntax error: " + e.getMessage());
        }
      }
      if (!problems.isEmpty()) {
        throw new ConfigurationException(problems);
      }
      return new PromptVersion(this, compiled, Set.copyOf(variables));
    }
  }

  /**
   * A prompt version rendered with a call's variables. Immutable.
   *
   * @param version the version rendered
   * @param messages the rendered messages, in the version's order
   * @param unusedVariables the variables supplied that no template of the version refers to (a typo
   *     in a variable name shows up here); empty when all were used
   */
  public record Rendered(PromptVersion version, List<Message> messages, Set<String> unusedVariables) {

    /** Checks the components and copies the collections. */
    public Rendered {
      Objects.requireNonNull(version, "version");
      messages = List.copyOf(messages);
      unusedVariables = Set.copyOf(unusedVariables);
    }
  }

  /**
   * One chat message of a prompt version, as a Mustache template. Immutable.
   *
   * @param role {@link Role#SYSTEM}, {@link Role#USER} or {@link Role#ASSISTANT}
   * @param template the message text with {@code {{variables}}} and {@code {{#sections}}}
   */
  public record MessageTemplate(Role role, String template) {

    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException for a {@link Role#TOOL} message, which a prompt cannot hold
     */
    public MessageTemplate {
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(template, "template");
      if (role == Role.TOOL) {
        throw new IllegalArgumentException("a prompt message must be system, user or assistant, not tool");
      }
    }
  }
}
