package dev.llmops.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * JSON Schemas of tool arguments: generated from a record type, compiled (draft 2020-12) and
 * applied to the arguments a model produced. Thread-safe.
 */
final class Schemas {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectReader TREE = MAPPER.reader();
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  private Schemas() {}

  /**
   * The schema of a record's JSON form: an object with one property per component, all required
   * but those marked {@code @Nullable} or of type {@link Optional}, and no others. Components may be
   * strings, numbers, booleans, enums, collections or arrays of those, and nested records.
   *
   * @throws IllegalArgumentException naming the component whose type has no JSON Schema here
   */
  static String ofRecord(Class<?> type) {
    if (!type.isRecord()) {
      throw new IllegalArgumentException(type.getName() + " is not a record: give the parameters schema as JSON");
    }
    return objectSchema(type, new HashSet<>()).toString();
  }

  private static ObjectNode objectSchema(Class<?> record, Set<Class<?>> seen) {
    if (!seen.add(record)) {
      throw new IllegalArgumentException(record.getName() + " refers to itself: give the parameters schema as JSON");
    }
    ObjectNode schema = MAPPER.createObjectNode();
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    ArrayNode required = MAPPER.createArrayNode();
    for (RecordComponent c : record.getRecordComponents()) {
      Type t = c.getGenericType();
      boolean optional = c.getType() == Optional.class || nullable(c.getAnnotations())
          || nullable(c.getAnnotatedType());
      if (c.getType() == Optional.class && t instanceof ParameterizedType p) {
        t = p.getActualTypeArguments()[0];
      }
      properties.set(c.getName(), schemaOf(t, record.getSimpleName() + "." + c.getName(), seen));
      if (!optional) {
        required.add(c.getName());
      }
    }
    if (!required.isEmpty()) {
      schema.set("required", required);
    }
    schema.put("additionalProperties", false);
    seen.remove(record);
    return schema;
  }

  private static boolean nullable(AnnotatedType type) {
    return nullable(type.getAnnotations());
  }

  private static boolean nullable(Annotation[] annotations) {
    for (Annotation a : annotations) {
      if (a.annotationType().getSimpleName().equals("Nullable")) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode schemaOf(Type type, String where, Set<Class<?>> seen) {
    ObjectNode s = MAPPER.createObjectNode();
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw
        && Collection.class.isAssignableFrom(raw)) {
      s.put("type", "array");
      s.set("items", schemaOf(p.getActualTypeArguments()[0], where + "[]", seen));
      return s;
    }
    if (!(type instanceof Class<?> c)) {
      throw new IllegalArgumentException(where + ": the type " + type.getTypeName() + " has no JSON Schema here");
    }
    if (c == String.class || c == CharSequence.class || c == char.class || c == Character.class) {
      s.put("type", "string");
    } else if (c == int.class || c == Integer.class || c == long.class || c == Long.class || c == short.class
        || c == Short.class || c == byte.class || c == Byte.class || c == BigInteger.class) {
      s.put("type", "integer");
    } else if (c == double.class || c == Double.class || c == float.class || c == Float.class || c == BigDecimal.class) {
      s.put("type", "number");
    } else if (c == boolean.class || c == Boolean.class) {
      s.put("type", "boolean");
    } else if (c.isEnum()) {
      s.put("type", "string");
      ArrayNode values = s.putArray("enum");
      for (Object constant : c.getEnumConstants()) {
        values.add(((Enum<?>) constant).name());
      }
    } else if (c.isArray()) {
      s.put("type", "array");
      s.set("items", schemaOf(c.getComponentType(), where + "[]", seen));
    } else if (c.isRecord()) {
      return objectSchema(c, seen);
    } else {
      throw new IllegalArgumentException(where + ": the type " + c.getName() + " has no JSON Schema here;"
          + " use strings, numbers, booleans, enums, lists or records, or give the schema as JSON");
    }
    return s;
  }

  /**
   * Compiles a schema.
   *
   * @throws IllegalArgumentException naming the tool if the schema is not a JSON object
   */
  static Schema compile(String toolName, String schemaJson) {
    JsonNode node;
    try {
      node = MAPPER.readTree(schemaJson);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("tool '" + toolName + "': the parameters schema is not JSON: "
          + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("tool '" + toolName + "': the parameters schema must be a JSON object");
    }
    return REGISTRY.getSchema(node);
  }

  /**
   * The arguments a model produced as a JSON tree, parsed once for both the schema check and the
   * tool's binding; blank arguments are an empty object.
   *
   * @throws JsonProcessingException if they are not JSON
   */
  static JsonNode parse(String argumentsJson) throws JsonProcessingException {
    return argumentsJson.isBlank() ? MAPPER.createObjectNode() : TREE.readTree(argumentsJson);
  }

  /**
   * What is wrong with {@code arguments} against {@code schema}: at most five problems, each
   * naming the field; empty when the arguments conform. One pass of the schema compiled with the
   * tool (a fail-fast boolean pass first allocated no less, so there is none).
   */
  static List<String> problems(Schema schema, JsonNode arguments) {
    List<Error> errors = schema.validate(arguments);
    if (errors.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Error e : errors.subList(0, Math.min(5, errors.size()))) {
      out.add(e.getInstanceLocation() + ": " + e.getMessage());
    }
    return out;
  }
}
