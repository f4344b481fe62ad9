package dev.llmops.core.prompt;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.llmops.api.ConfigurationException;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Reads a prompt directory (see {@code docs/prompts.md}): one folder per prompt, one {@code
 * v<N>.yaml|yml|json} file per version, an optional {@code labels.yaml|yml|json}. Collects every
 * problem, each naming its file and key (and line where the parser gives one), before failing, so
 * that a broken directory is reported whole and never half-applied.
 */
final class PromptFiles {
  static final Pattern VERSION_FILE = Pattern.compile("v(\\d{1,9})\\.(yaml|yml|json)");
  static final Pattern LABELS_FILE = Pattern.compile("labels\\.(yaml|yml|json)");
  private static final Set<String> VERSION_KEYS = Set.of("version", "model", "parameters", "metadata", "messages");
  private static final Set<String> MESSAGE_KEYS = Set.of("role", "content");
  private static final Set<String> PARAMETER_KEYS = Set.of(
      "temperature", "topP", "maxOutputTokens", "stopSequences", "seed", "presencePenalty", "frequencyPenalty");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private PromptFiles() {}

  /** The files of a directory, read but not parsed: relative path to bytes, in path order. */
  static Map<String, byte[]> read(Path root, String display) {
    if (!Files.isDirectory(root)) {
      throw new ConfigurationException(display + ": not a directory");
    }
    Map<String, byte[]> files = new TreeMap<>();
    List<String> outside = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root, 2)) {
      Path realRoot = root.toRealPath();
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path rel = root.relativize(p);
        if (rel.getNameCount() == 0 || rel.getName(0).toString().startsWith(".")) {
          continue;
        }
        if (Files.isSymbolicLink(p) && !p.toRealPath().startsWith(realRoot)) {
          // A link out of the directory would serve (and let a prompt edit overwrite) any file.
          outside.add(display + "/" + rel.toString().replace('\\', '/')
              + ": is a symbolic link to a file outside the prompt directory; refused");
        } else if (rel.getNameCount() == 2 && Files.isRegularFile(p) && relevant(rel.getFileName().toString())) {
          files.put(rel.getName(0) + "/" + rel.getFileName(), Files.readAllBytes(p));
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new ConfigurationException(display + ": cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    if (!outside.isEmpty()) {
      throw new ConfigurationException(outside);
    }
    return files;
  }

  private static boolean relevant(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    return !fileName.startsWith(".") && (lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json"));
  }

  /**
   * Parses what {@link #read} returned.
   *
   * @throws ConfigurationException listing every problem in the directory
   */
  static Map<String, PromptDefinition> parse(Map<String, byte[]> files, String display) {
    Map<String, Map<String, byte[]>> byPrompt = new TreeMap<>();
    files.forEach((rel, bytes) -> {
      int slash = rel.indexOf('/');
      byPrompt.computeIfAbsent(rel.substring(0, slash), k -> new TreeMap<>()).put(rel.substring(slash + 1), bytes);
    });
    List<String> problems = new ArrayList<>();
    Map<String, PromptDefinition> prompts = new LinkedHashMap<>();
    byPrompt.forEach((name, promptFiles) -> {
      PromptDefinition d = parsePrompt(name, promptFiles, display + "/" + name, problems);
      if (d != null) {
        prompts.put(name, d);
      }
    });
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return prompts;
  }

  private static @Nullable PromptDefinition parsePrompt(
      String name, Map<String, byte[]> files, String dir, List<String> problems) {
    int before = problems.size();
    try {
      PromptVersion.checkName(name, "prompt name");
    } catch (IllegalArgumentException e) {
      problems.add(dir + ": " + e.getMessage());
      return null;
    }
    Map<Integer, String> versionFiles = new TreeMap<>();
    List<PromptVersion> versions = new ArrayList<>();
    String labelsFile = null;
    Map<String, Integer> labels = Map.of();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      String file = f.getKey();
      String where = dir + "/" + file;
      Matcher m = VERSION_FILE.matcher(file);
      if (m.matches()) {
        int number = Integer.parseInt(m.group(1));
        String other = versionFiles.putIfAbsent(number, file);
        if (other != null) {
          problems.add(where + ": duplicate version " + number + ", also defined by " + dir + "/" + other);
          continue;
        }
        PromptVersion v = parseVersion(name, number, f.getValue(), where, problems);
        if (v != null) {
          versions.add(v);
        }
      } else if (LABELS_FILE.matcher(file).matches()) {
        if (labelsFile != null) {
          problems.add(where + ": a second labels file; " + dir + "/" + labelsFile + " already holds the labels");
          continue;
        }
        labelsFile = file;
        labels = parseLabels(f.getValue(), where, problems);
      } else {
        problems.add(where + ": not a version file (v<N>.yaml, v<N>.yml, v<N>.json) or a labels file (labels.yaml)");
      }
    }
    if (versionFiles.isEmpty()) {
      problems.add(dir + ": no version files (v1.yaml, v2.yaml, ...)");
    }
    for (Map.Entry<String, Integer> label : labels.entrySet()) {
      if (!versionFiles.containsKey(label.getValue())) {
        problems.add(dir + "/" + labelsFile + ": " + label.getKey() + ": points at version " + label.getValue()
            + ", which does not exist (versions: " + versionFiles.keySet() + ")");
      }
    }
    if (problems.size() > before) {
      return null;
    }
    return new PromptDefinition(name, versions, labels);
  }

  private static @Nullable JsonNode tree(byte[] bytes, String where, List<String> problems) {
    ObjectMapper mapper = where.endsWith(".json") ? JSON : YAML;
    JsonNode node;
    try {
      node = mapper.readTree(bytes);
    } catch (JsonProcessingException e) {
      problems.add(where + ": " + position(e.getLocation()) + "malformed " + (mapper == JSON ? "JSON" : "YAML")
          + ": " + reason(e.getOriginalMessage()));
      return null;
    } catch (IOException e) {
      problems.add(where + ": cannot be read (" + e.getClass().getSimpleName() + ")");
      return null;
    }
    if (node == null || node.isMissingNode() || node.isNull()) {
      problems.add(where + ": the file is empty");
      return null;
    }
    if (!node.isObject()) {
      problems.add(where + ": the top level must be a mapping of keys to values");
      return null;
    }
    return node;
  }

  private static String position(@Nullable JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": ";
  }

  /** The parser's first line, shortened: enough to fix the file, too little to leak its text. */
  private static String reason(@Nullable String message) {
    if (message == null) {
      return "unreadable";
    }
    String first = message.lines().findFirst().orElse("").strip();
    return first.length() > 100 ? first.substring(0, 100) + "..." : first;
  }

  private static @Nullable PromptVersion parseVersion(
      String name, int number, byte[] bytes, String where, List<String> problems) {
    int before = problems.size();
    JsonNode root = tree(bytes, where, problems);
    if (root == null) {
      return null;
    }
    unknownKeys(root, VERSION_KEYS, where, "", problems);
    if (number < 1) {
      problems.add(where + ": version numbers start at 1");
      return null;
    }
    PromptVersion.Builder b = PromptVersion.builder(name, number);
    JsonNode version = root.get("version");
    if (version != null && (!version.canConvertToExactIntegral() || version.asInt() != number)) {
      problems.add(where + ": version: is " + version + " but the file name says " + number);
    }
    JsonNode model = root.get("model");
    if (model != null) {
      if (!model.isTextual() || model.asText().isBlank()) {
        problems.add(where + ": model: must be a model endpoint name");
      } else {
        b.model(model.asText());
      }
    }
    JsonNode parameters = root.get("parameters");
    if (parameters != null) {
      GenerationParameters p = parameters(parameters, where, problems);
      if (p != null) {
        b.parameters(p);
      }
    }
    JsonNode metadata = root.get("metadata");
    if (metadata != null) {
      if (!metadata.isObject()) {
        problems.add(where + ": metadata: must be a mapping of keys to text");
      } else {
        metadata.properties().forEach(e -> {
          if (e.getValue().isValueNode() && !e.getValue().isNull()) {
            b.metadata(e.getKey(), e.getValue().asText());
          } else {
            problems.add(where + ": metadata." + e.getKey() + ": must be text, a number or a boolean");
          }
        });
      }
    }
    messages(root.get("messages"), b, where, problems);
    if (problems.size() > before) {
      return null;
    }
    try {
      return b.build();
    } catch (ConfigurationException e) {
      e.problems().forEach(p -> problems.add(where + ": " + p.substring(p.indexOf(": ") + 2)));
      return null;
    }
  }

  private static void messages(@Nullable JsonNode messages, PromptVersion.Builder b, String where, List<String> problems) {
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      problems.add(where + ": messages: a list of at least one {role, content} is required");
      return;
    }
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String key = "messages[" + i + "]";
      if (!m.isObject()) {
        problems.add(where + ": " + key + ": must be a mapping with role and content");
        continue;
      }
      unknownKeys(m, MESSAGE_KEYS, where, key + ".", problems);
      JsonNode role = m.get("role");
      JsonNode content = m.get("content");
      Role r = role == null ? null : role(role.asText());
      if (r == null) {
        problems.add(where + ": " + key + ".role: must be system, user or assistant");
      }
      if (content == null || !content.isTextual()) {
        problems.add(where + ": " + key + ".content: must be text");
      }
      if (r != null && content != null && content.isTextual()) {
        b.message(r, content.asText());
      }
    }
  }

  private static @Nullable Role role(String role) {
    return switch (role) {
      case "system" -> Role.SYSTEM;
      case "user" -> Role.USER;
      case "assistant" -> Role.ASSISTANT;
      default -> null;
    };
  }

  private static @Nullable GenerationParameters parameters(JsonNode node, String where, List<String> problems) {
    if (!node.isObject()) {
      problems.add(where + ": parameters: must be a mapping");
      return null;
    }
    int before = problems.size();
    unknownKeys(node, PARAMETER_KEYS, where, "parameters.", problems);
    GenerationParameters.Builder p = GenerationParameters.builder();
    p.temperature(decimal(node, "temperature", where, problems));
    p.topP(decimal(node, "topP", where, problems));
    p.presencePenalty(decimal(node, "presencePenalty", where, problems));
    p.frequencyPenalty(decimal(node, "frequencyPenalty", where, problems));
    JsonNode max = node.get("maxOutputTokens");
    if (max != null) {
      if (max.canConvertToExactIntegral() && max.canConvertToInt()) {
        p.maxOutputTokens(max.asInt());
      } else {
        problems.add(where + ": parameters.maxOutputTokens: must be a whole number");
      }
    }
    JsonNode seed = node.get("seed");
    if (seed != null) {
      if (seed.canConvertToExactIntegral() && seed.canConvertToLong()) {
        p.seed(seed.asLong());
      } else {
        problems.add(where + ": parameters.seed: must be a whole number");
      }
    }
    JsonNode stops = node.get("stopSequences");
    if (stops != null) {
      List<String> list = new ArrayList<>();
      if (stops.isArray()) {
        stops.forEach(s -> {
          if (s.isTextual()) {
            list.add(s.asText());
          } else {
            problems.add(where + ": parameters.stopSequences: every entry must be text");
          }
        });
      } else {
        problems.add(where + ": parameters.stopSequences: must be a list of text");
      }
      p.stopSequences(list);
    }
    if (problems.size() > before) {
      return null;
    }
    try {
      return p.build();
    } catch (IllegalArgumentException e) {
      problems.add(where + ": parameters: " + e.getMessage());
      return null;
    }
  }

  private static @Nullable Double decimal(JsonNode node, String key, String where, List<String> problems) {
    JsonNode v = node.get(key);
    if (v == null) {
      return null;
    }
    if (!v.isNumber()) {
      problems.add(where + ": parameters." + key + ": must be a number");
      return null;
    }
    return v.asDouble();
  }

  private static void unknownKeys(JsonNode node, Set<String> allowed, String where, String prefix, List<String> problems) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        problems.add(where + ": " + prefix + key + ": unknown key (allowed: " + new java.util.TreeSet<>(allowed) + ")");
      }
    }
  }

  private static Map<String, Integer> parseLabels(byte[] bytes, String where, List<String> problems) {
    JsonNode root = tree(bytes, where, problems);
    if (root == null) {
      return Map.of();
    }
    Map<String, Integer> labels = new LinkedHashMap<>();
    root.properties().forEach(e -> {
      String label = e.getKey();
      JsonNode v = e.getValue();
      if (PromptRegistry.LATEST.equals(label)) {
        problems.add(where + ": " + label + ": '" + PromptRegistry.LATEST + "' is implicit and cannot be set");
      } else if (!v.canConvertToExactIntegral() || !v.canConvertToInt() || v.asInt() < 1) {
        problems.add(where + ": " + label + ": must be a version number (1, 2, ...)");
      } else {
        try {
          labels.put(PromptVersion.checkName(label, "label"), v.asInt());
        } catch (IllegalArgumentException ex) {
          problems.add(where + ": " + label + ": " + ex.getMessage());
        }
      }
    });
    return labels;
  }

  /** Serialises labels for {@code fileName}'s format, keys sorted. */
  static byte[] writeLabels(Map<String, Integer> labels, String fileName) throws IOException {
    ObjectMapper mapper = fileName.endsWith(".json") ? JSON : YAML;
    return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(new TreeMap<>(labels));
  }
}
