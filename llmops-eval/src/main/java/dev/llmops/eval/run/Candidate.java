package dev.llmops.eval.run;

import dev.llmops.api.GenerationParameters;
import dev.llmops.core.experiment.Variant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What is evaluated: a prompt (name plus label or exact version) or a plain model endpoint, with an
 * optional model endpoint and generation parameters that override the prompt version's, or the
 * settings of an experiment variant. Every case's call is made through the client as the
 * application would make it. Immutable and thread-safe.
 */
public final class Candidate {
  private final String name;
  private final @Nullable String promptName;
  private final @Nullable String label;
  private final @Nullable Integer version;
  private final @Nullable String model;
  private final GenerationParameters parameters;
  private final Map<String, Object> variables;

  private Candidate(
      String name, @Nullable String promptName, @Nullable String label, @Nullable Integer version,
      @Nullable String model, GenerationParameters parameters, Map<String, Object> variables) {
    this.name = name;
    this.promptName = promptName;
    this.label = label;
    this.version = version;
    this.model = model;
    this.parameters = parameters;
    this.variables = variables;
  }

  /** A registered prompt at the registry's default label; each case's variables fill it. */
  public static Candidate prompt(String promptName) {
    Objects.requireNonNull(promptName, "promptName");
    return new Candidate(promptName, promptName, null, null, null, GenerationParameters.DEFAULTS, Map.of());
  }

  /** A plain model endpoint (null: the client's default); each case's messages are sent as they are. */
  public static Candidate model(@Nullable String model) {
    return new Candidate(model == null ? "default-model" : model, null, null, null, model, GenerationParameters.DEFAULTS, Map.of());
  }

  /**
   * What an experiment's variant would serve for {@code promptName}: its model, prompt label or
   * version and parameters, applied directly (run it on a client without that experiment, whose
   * step would otherwise assign the calls itself).
   */
  public static Candidate variant(String promptName, Variant variant) {
    Objects.requireNonNull(variant, "variant");
    Candidate c = prompt(promptName).named(promptName + "/" + variant.key()).withParameters(variant.parameters());
    if (variant.promptVersion() != null) {
      c = c.withVersion(variant.promptVersion());
    } else if (variant.promptLabel() != null) {
      c = c.withLabel(variant.promptLabel());
    }
    return variant.model() == null ? c : c.withModel(variant.model());
  }

  /** This candidate resolving {@code label} (clears a version). */
  public Candidate withLabel(String label) {
    requirePrompt("a label");
    return new Candidate(
        renamedFor("@" + label), promptName, Objects.requireNonNull(label, "label"), null, model, parameters, variables);
  }

  /**
   * This candidate pinned to an exact version.
   *
   * @throws IllegalArgumentException if below 1
   */
  public Candidate withVersion(int version) {
    requirePrompt("a version");
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1 but was " + version);
    }
    return new Candidate(renamedFor("@v" + version), promptName, null, version, model, parameters, variables);
  }

  /** This candidate aimed at another model endpoint. */
  public Candidate withModel(String model) {
    return new Candidate(name, promptName, label, version, Objects.requireNonNull(model, "model"), parameters, variables);
  }

  /** This candidate with generation parameters that override the prompt version's. */
  public Candidate withParameters(GenerationParameters parameters) {
    return new Candidate(name, promptName, label, version, model, Objects.requireNonNull(parameters, "parameters"), variables);
  }

  /** This candidate under another display name. */
  public Candidate named(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("candidate name must not be blank");
    }
    return new Candidate(name, promptName, label, version, model, parameters, variables);
  }

  /**
   * This candidate with template variables every case gets (the application's constants, such as
   * a company name); a case's own variable of the same name wins.
   */
  public Candidate withVariables(Map<String, ?> variables) {
    requirePrompt("variables");
    return new Candidate(name, promptName, label, version, model, parameters, Map.copyOf(variables));
  }

  private String renamedFor(String suffix) {
    String base = name.contains("@") ? name.substring(0, name.indexOf('@')) : name;
    return base + suffix;
  }

  private void requirePrompt(String what) {
    if (promptName == null) {
      throw new IllegalStateException("a plain model candidate has no prompt to pin to " + what);
    }
  }

  /** The display name, for example {@code support-reply@candidate}. */
  public String name() {
    return name;
  }

  /** The prompt's name, or null for a plain model candidate. */
  public @Nullable String promptName() {
    return promptName;
  }

  /** The label to resolve, or null. */
  public @Nullable String label() {
    return label;
  }

  /** The exact version, or null. */
  public @Nullable Integer version() {
    return version;
  }

  /** The model endpoint, or null for the prompt's or client's default. */
  public @Nullable String model() {
    return model;
  }

  /** The variables every case gets. */
  public Map<String, Object> variables() {
    return variables;
  }

  /** The overriding generation parameters. */
  public GenerationParameters parameters() {
    return parameters;
  }

  /**
   * A description of every setting, stable across runs: part of a results file's identity, so a
   * changed candidate never resumes another's results.
   */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    if (promptName != null) {
      sb.append("prompt=").append(promptName);
      if (version != null) {
        sb.append(" version=").append(version);
      } else if (label != null) {
        sb.append(" label=").append(label);
      }
    } else {
      sb.append("chat");
    }
    if (model != null) {
      sb.append(" model=").append(model);
    }
    if (!variables.isEmpty()) {
      sb.append(" variables=").append(new java.util.TreeMap<>(variables));
    }
    if (!parameters.equals(GenerationParameters.DEFAULTS)) {
      sb.append(" parameters=").append(dev.llmops.api.Fingerprint.hashParameters(parameters), 0, 12);
    }
    return sb.toString();
  }

  /** A name safe as a file name. */
  String fileName() {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "_");
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Candidate c && c.name.equals(name) && c.describe().equals(describe());
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, describe());
  }

  @Override
  public String toString() {
    return "Candidate[" + name + ": " + describe() + "]";
  }
}
