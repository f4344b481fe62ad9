package dev.llmops.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.llmops.api.ConfigurationException;
import dev.llmops.api.Money;
import dev.llmops.core.LlmClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One configuration file (YAML or JSON) that turns on every capability: model endpoints with
 * fallbacks, prompts, experiments, accounting, budgets and rate limits, the response cache,
 * resilience, telemetry, redaction, transcript retention and the audit log. The format is in
 * {@code docs/configuration.md}.
 *
 * <pre>{@code
 * LlmClient client = LlmOpsConfig.load(Path.of("llmops.yaml"))
 *     .newClientBuilder(ConfigBindings.builder()
 *         .telemetry(OtelInstrumentation.factory(openTelemetry))
 *         .build())
 *     .listener(myListener)                 // the application may still add to it
 *     .build();
 * }</pre>
 *
 * <p>Loading only reads the file. Every check runs when it is assembled with its bindings, and all
 * problems, in every section (unknown keys, wrong types, bad durations or amounts, unknown model
 * names, unset environment variables, missing directories), come in one {@link
 * ConfigurationException}, each as {@code <file>: <key.path>: <reason>}. Secrets are never in the
 * file: it names environment variables, read through the bindings' environment; their values never
 * appear in messages or {@code toString()}.
 *
 * <p>Immutable and thread-safe; assemble it as often as needed (each assembly builds new
 * components).
 */
public final class LlmOpsConfig {
  private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper YAML = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  private final JsonNode root;
  private final String source;
  private final @Nullable Path directory;
  /** True when scalars came as text from a property source: {@code "3"} then reads as a number. */
  private final boolean textScalars;

  private LlmOpsConfig(JsonNode root, String source, @Nullable Path directory) {
    this(root, source, directory, false);
  }

  private LlmOpsConfig(JsonNode root, String source, @Nullable Path directory, boolean textScalars) {
    this.root = root;
    this.source = source;
    this.directory = directory;
    this.textScalars = textScalars;
  }

  /**
   * Reads the configuration file {@code file}: JSON if its name ends in {@code .json}, YAML
   * otherwise. Relative paths in it are resolved against its directory unless the bindings say
   * otherwise.
   *
   * @throws ConfigurationException if the file cannot be read or is not valid YAML or JSON
   */
  public static LlmOpsConfig load(Path file) {
    Objects.requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigurationException(file + ": cannot read the configuration file (" + e.getClass().getSimpleName() + ")");
    }
    Path dir = file.toAbsolutePath().getParent();
    return new LlmOpsConfig(read(text, file.toString()), file.toString(), dir);
  }

  /**
   * Reads a configuration from text; {@code sourceName} names it in errors and selects JSON when it
   * ends in {@code .json} (YAML otherwise). Relative paths are resolved against the bindings' base
   * directory, else the working directory.
   *
   * @throws ConfigurationException if the text is not valid YAML or JSON
   */
  public static LlmOpsConfig parse(String text, String sourceName) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(sourceName, "sourceName");
    return new LlmOpsConfig(read(text, sourceName), sourceName, null);
  }

  /**
   * Reads a configuration resource, for example {@code "llmops.yaml"}, with {@code loader}.
   *
   * @throws ConfigurationException if it is not on the classpath or not valid YAML or JSON
   */
  public static LlmOpsConfig fromClasspath(ClassLoader loader, String resource) {
    Objects.requireNonNull(loader, "loader");
    Objects.requireNonNull(resource, "resource");
    String name = resource.startsWith("/") ? resource.substring(1) : resource;
    String display = "classpath:" + name;
    try (InputStream in = loader.getResourceAsStream(name)) {
      if (in == null) {
        throw new ConfigurationException(display + ": not found on the classpath");
      }
      return new LlmOpsConfig(read(new String(in.readAllBytes(), StandardCharsets.UTF_8), display), display, null);
    } catch (IOException e) {
      throw new ConfigurationException(display + ": cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * Reads a configuration from a tree of {@link java.util.Map}s (with {@code String} keys), {@link
   * java.util.List}s and scalars, as a framework's property sources hold it (the Spring Boot
   * starter passes what it finds under {@code llmops.*}). The keys are the file's keys. Because a
   * properties file holds every value as text, a whole number, a number or a boolean may be given
   * as text ({@code "3"}, {@code "0.5"}, {@code "true"}); durations, sizes and money are text
   * anyway. {@code sourceName} names the tree in errors. Relative paths are resolved against the
   * bindings' base directory, else the working directory.
   *
   * @throws ConfigurationException if a value is neither a map, a list nor a scalar (text, number,
   *     boolean), or a map key is not text
   */
  public static LlmOpsConfig fromProperties(Map<String, ?> tree, String sourceName) {
    Objects.requireNonNull(tree, "tree");
    Objects.requireNonNull(sourceName, "sourceName");
    JsonNode node;
    try {
      node = JSON.valueToTree(tree);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(sourceName + ": not a tree of maps, lists and scalars (" + e.getClass().getSimpleName() + ")");
    }
    if (node == null || node.isNull()) {
      node = JSON.createObjectNode();
    }
    return new LlmOpsConfig(node, sourceName, null, true);
  }

  private static JsonNode read(String text, String source) {
    boolean json = source.toLowerCase(Locale.ROOT).endsWith(".json");
    JsonNode node;
    try {
      node = (json ? JSON : YAML).readTree(text);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      throw new ConfigurationException(source + (loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr())
          + ": not valid " + (json ? "JSON" : "YAML") + ": " + e.getOriginalMessage());
    }
    if (node == null || node.isMissingNode() || node.isNull()) {
      return JSON.createObjectNode();
    }
    if (!node.isObject()) {
      throw new ConfigurationException(source + ": expected a mapping of sections at the top level");
    }
    return node;
  }

  /** The file or resource name the configuration came from. */
  public String source() {
    return source;
  }

  /**
   * Checks the whole configuration against {@code bindings} and builds every configured component.
   *
   * @throws ConfigurationException listing every problem found, each with the file, key path and reason
   */
  public LlmOpsComponents assemble(ConfigBindings bindings) {
    Objects.requireNonNull(bindings, "bindings");
    Path base = bindings.baseDirectory().orElse(directory != null ? directory : Path.of(""));
    return new Assembler(root, new ConfigReader(source, textScalars), bindings, base).assemble();
  }

  /**
   * A client builder with everything this configuration turns on installed; shorthand for {@code
   * assemble(bindings).clientBuilder()}.
   *
   * @throws ConfigurationException listing every problem found, each with the file, key path and reason
   */
  public LlmClient.Builder newClientBuilder(ConfigBindings bindings) {
    return assemble(bindings).clientBuilder();
  }

  /**
   * The service level objectives of the {@code slos} section (empty when absent), read and checked
   * without assembling anything else, so a rules generator needs no secrets or bindings. {@code
   * llmops-eval}'s {@code SloRules.fromConfig} turns them into Prometheus rules and a dashboard.
   *
   * @throws ConfigurationException listing every problem of the section, each with the file, key path and reason
   */
  public List<SloDefinition> slos() {
    ConfigReader reader = new ConfigReader(source, textScalars);
    List<SloDefinition> slos = SloSection.read(reader, root);
    if (!reader.problems().isEmpty()) {
      throw new ConfigurationException(reader.problems());
    }
    return slos;
  }

  /** Names the source; never shows values. */
  @Override
  public String toString() {
    return "LlmOpsConfig[" + source + "]";
  }

  /**
   * One entry of the {@code slos} section: a service level objective over the metrics llmops
   * exports, as the configuration states it. Core only checks it; {@code llmops-eval} writes the
   * alerting rules. Immutable.
   *
   * @param name a short name, {@code [a-z0-9_-]+}, unique in the file
   * @param kind what is measured
   * @param objective the share of good calls (availability, latency) or the least mean evaluation
   *     score (quality), strictly between 0 and 1; 0 for {@link Kind#COST_PER_CALL}
   * @param latency for {@link Kind#LATENCY}, the latency a good call stays within; else null
   * @param costPerCall for {@link Kind#COST_PER_CALL}, the most a call may cost on average; else null
   * @param matchers Prometheus label matchers (label name to the value it must equal) narrowing
   *     the series, in file order; empty for all
   */
  public record SloDefinition(
      String name, Kind kind, double objective, @Nullable Duration latency, @Nullable Money costPerCall,
      Map<String, String> matchers) {

    /** Checks the components and copies the matchers. */
    public SloDefinition {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
      matchers = Collections.unmodifiableMap(new LinkedHashMap<>(matchers));
    }

    /** What an objective measures. */
    public enum Kind {
      /** The share of calls that end without an error. */
      AVAILABILITY,
      /** The share of calls that end within a latency. */
      LATENCY,
      /** The mean cost per call. */
      COST_PER_CALL,
      /** The mean online evaluation score. */
      QUALITY
    }
  }
}
