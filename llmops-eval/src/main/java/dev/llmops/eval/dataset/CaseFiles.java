package dev.llmops.eval.dataset;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.llmops.api.Message;
import dev.llmops.api.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Reads cases from JSONL lines and YAML documents, strictly: unknown fields, wrong types, blank or
 * repeated ids fail with a {@link DatasetFormatException} naming file, line and field. Also the
 * canonical form a dataset's version hashes. Thread-safe.
 */
final class CaseFiles {
  static final Set<String> FIELDS =
      Set.of("id", "variables", "messages", "reference", "tags", "metadata", "human");
  static final Set<String> DOCUMENT_FIELDS = Set.of("name", "description", "cases");

  static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  // Sorted keys at every level: the same case gives the same bytes from JSONL, YAML or code.
  private static final ObjectMapper CANONICAL = new ObjectMapper()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private CaseFiles() {}

  /** Parses one JSONL line (1-based {@code line}) into a case. */
  static EvalCase parseLine(String text, String file, int line) {
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new DatasetFormatException(file, line, null, "a JSONL line must be one JSON object (a case)");
      }
      EvalCase c = readCase(p, file, line, "");
      if (p.nextToken() != null) {
        throw new DatasetFormatException(file, line, null, "text after the case's closing brace");
      }
      return c;
    } catch (JsonProcessingException e) {
      throw new DatasetFormatException(file, line, null, "not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A YAML dataset document: its optional name and its cases. */
  record Document(@Nullable String name, List<EvalCase> cases) {}

  /**
   * Parses a YAML (or JSON) document: either a list of cases, or a mapping with {@code name},
   * optional {@code description} and {@code cases}.
   */
  static Document parseDocument(String text, String file) {
    try (JsonParser p = YAML.createParser(text)) {
      JsonToken first = p.nextToken();
      if (first == JsonToken.START_ARRAY) {
        return new Document(null, readCases(p, file, "cases"));
      }
      if (first != JsonToken.START_OBJECT) {
        throw new DatasetFormatException(file, line(p), null, "a dataset is a list of cases or a mapping with 'cases'");
      }
      String name = null;
      List<EvalCase> cases = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        int at = line(p);
        JsonToken value = p.nextToken();
        switch (field) {
          case "name" -> {
            if (value != JsonToken.VALUE_STRING || p.getText().isBlank()) {
              throw new DatasetFormatException(file, at, "name", "must be a non-blank string");
            }
            name = p.getText();
          }
          case "description" -> p.skipChildren();
          case "cases" -> {
            if (value != JsonToken.START_ARRAY) {
              throw new DatasetFormatException(file, at, "cases", "must be a list of cases");
            }
            cases = readCases(p, file, "cases");
          }
          default -> throw new DatasetFormatException(
              file, at, field, "unknown field; allowed: " + new TreeSet<>(DOCUMENT_FIELDS));
        }
      }
      if (cases == null) {
        throw new DatasetFormatException(file, 1, "cases", "missing: a dataset needs a list of cases");
      }
      return new Document(name, cases);
    } catch (JsonProcessingException e) {
      int at = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new DatasetFormatException(file, at, null, "not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<EvalCase> readCases(JsonParser p, String file, String where) throws IOException {
    List<EvalCase> cases = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      String path = where + "[" + cases.size() + "]";
      if (t != JsonToken.START_OBJECT) {
        throw new DatasetFormatException(file, line(p), path, "a case must be a mapping");
      }
      cases.add(readCase(p, file, line(p), path + "."));
    }
    return cases;
  }

  /** Reads the case whose START_OBJECT is the current token. */
  private static EvalCase readCase(JsonParser p, String file, int startLine, String prefix) throws IOException {
    String id = null;
    Map<String, Object> variables = Map.of();
    List<Message> messages = List.of();
    String reference = null;
    List<String> tags = List.of();
    Map<String, Object> metadata = Map.of();
    String human = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      int at = Math.max(line(p), startLine);
      p.nextToken();
      JsonNode value = p.readValueAsTree();
      String where = prefix + field;
      switch (field) {
        case "id" -> id = text(value, file, at, where, false);
        case "variables" -> variables = object(value, file, at, where);
        case "messages" -> messages = messages(value, file, at, where);
        case "reference" -> reference = text(value, file, at, where, true);
        case "tags" -> tags = texts(value, file, at, where);
        case "metadata" -> metadata = object(value, file, at, where);
        case "human" -> human = text(value, file, at, where, false);
        default -> throw new DatasetFormatException(
            file, at, where, "unknown field; allowed: " + new TreeSet<>(FIELDS));
      }
    }
    if (id == null) {
      throw new DatasetFormatException(file, startLine, prefix + "id", "missing: every case needs an id");
    }
    if (variables.isEmpty() && messages.isEmpty()) {
      throw new DatasetFormatException(
          file, startLine, prefix + "variables", "case '" + id + "' has neither variables nor messages");
    }
    return new EvalCase(id, variables, messages, reference, tags, metadata, human);
  }

  private static String text(JsonNode v, String file, int line, String where, boolean blankAllowed) {
    if (!v.isTextual() || (!blankAllowed && v.asText().isBlank())) {
      throw new DatasetFormatException(file, line, where, blankAllowed ? "must be a string" : "must be a non-blank string");
    }
    return v.asText();
  }

  private static List<String> texts(JsonNode v, String file, int line, String where) {
    if (!v.isArray()) {
      throw new DatasetFormatException(file, line, where, "must be a list of strings");
    }
    List<String> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      out.add(text(v.get(i), file, line, where + "[" + i + "]", false));
    }
    return out;
  }

  private static Map<String, Object> object(JsonNode v, String file, int line, String where) {
    if (!v.isObject()) {
      throw new DatasetFormatException(file, line, where, "must be a mapping");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      out.put(e.getKey(), plain(e.getValue(), file, line, where + "." + e.getKey()));
    }
    return out;
  }

  private static Object plain(JsonNode v, String file, int line, String where) {
    if (v.isNull() || v.isMissingNode()) {
      throw new DatasetFormatException(file, line, where, "must not be null");
    }
    if (v.isObject()) {
      return object(v, file, line, where);
    }
    if (v.isArray()) {
      List<Object> out = new ArrayList<>(v.size());
      for (int i = 0; i < v.size(); i++) {
        out.add(plain(v.get(i), file, line, where + "[" + i + "]"));
      }
      return out;
    }
    if (v.isTextual()) {
      return v.asText();
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isIntegralNumber()) {
      return v.canConvertToLong() ? (Object) v.longValue() : v.bigIntegerValue();
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    throw new DatasetFormatException(file, line, where, "unsupported value " + v.getNodeType());
  }

  private static List<Message> messages(JsonNode v, String file, int line, String where) {
    if (!v.isArray()) {
      throw new DatasetFormatException(file, line, where, "must be a list of {role, content}");
    }
    List<Message> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      JsonNode m = v.get(i);
      String at = where + "[" + i + "]";
      if (!m.isObject()) {
        throw new DatasetFormatException(file, line, at, "must be a mapping {role, content}");
      }
      for (Iterator<String> names = m.fieldNames(); names.hasNext(); ) {
        String n = names.next();
        if (!n.equals("role") && !n.equals("content")) {
          throw new DatasetFormatException(file, line, at + "." + n, "unknown field; allowed: [content, role]");
        }
      }
      String roleText = text(m.path("role"), file, line, at + ".role", false);
      Role role;
      try {
        role = Role.valueOf(roleText.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new DatasetFormatException(file, line, at + ".role", "unknown role '" + roleText + "'; allowed: system, user, assistant");
      }
      if (role != Role.SYSTEM && role != Role.USER && role != Role.ASSISTANT) {
        throw new DatasetFormatException(file, line, at + ".role", "unknown role '" + roleText + "'; allowed: system, user, assistant");
      }
      out.add(Message.of(role, text(m.path("content"), file, line, at + ".content", true)));
    }
    return out;
  }

  private static int line(JsonParser p) {
    return p.currentTokenLocation().getLineNr();
  }

  /** The canonical bytes of a case: JSON with keys sorted at every level, then a newline. */
  static byte[] canonical(EvalCase c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id());
    m.put("variables", c.variables());
    List<Map<String, String>> messages = new ArrayList<>();
    for (Message msg : c.messages()) {
      messages.add(Map.of("role", msg.role().name().toLowerCase(Locale.ROOT), "content", msg.content()));
    }
    m.put("messages", messages);
    if (c.reference() != null) {
      m.put("reference", c.reference());
    }
    m.put("tags", c.tags());
    m.put("metadata", c.metadata());
    if (c.humanLabel() != null) {
      m.put("human", c.humanLabel());
    }
    try {
      String json = CANONICAL.writeValueAsString(m);
      return (json + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("case '" + c.id() + "' cannot be written as JSON", e);
    }
  }

  /** A SHA-256 digest. */
  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  /** The version text of a finished digest: its first 16 hex digits. */
  static String version(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest(), 0, 8);
  }
}
