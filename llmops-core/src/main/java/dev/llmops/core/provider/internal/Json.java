package dev.llmops.core.provider.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.api.InvalidRequestException;
import dev.llmops.api.LlmException.ErrorDetails;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/** The one Jackson setup of the adapters, and small helpers for reading JSON. Thread-safe. */
public final class Json {
  /** Shared mapper; configured once, never changed after. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  /** Shared factory for streaming parsers and generators. */
  public static final JsonFactory FACTORY = MAPPER.getFactory();

  private Json() {}

  /** Writes one JSON document with a generator. */
  @FunctionalInterface
  public interface Document {
    /** Writes the document. */
    void write(JsonGenerator g) throws IOException;
  }

  /**
   * The bytes of the document {@code body} writes.
   *
   * @param sizeHint the expected size, to size the buffer
   */
  public static byte[] write(int sizeHint, Document body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array never fails to take bytes
    }
    return out.toByteArray();
  }

  /**
   * What a read failure says about the JSON, to follow "the response body" or "stream event 3":
   * {@code "is not valid JSON at line L, column C"} (the position only when the parser has one),
   * {@code "exceeds a size limit of the JSON parser"} for Jackson's stream limits (which carry no
   * position), or {@code "is not a JSON object"}. Never any of the JSON's text.
   */
  public static String problem(IOException failure) {
    if (failure instanceof StreamConstraintsException) {
      return "exceeds a size limit of the JSON parser";
    }
    if (failure instanceof JsonProcessingException p) {
      JsonLocation at = p.getLocation();
      return "is not valid JSON" + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr());
    }
    return "is not a JSON object";
  }

  /** The text of the current value token, or null when it is JSON null; skips other values. */
  public static @Nullable String textOrNull(JsonParser p, @Nullable JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT
        || token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  /** The integer value of the current token, or -1 when it is null or not a number. */
  public static long longOrMissing(JsonParser p, @Nullable JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NUMBER_INT) {
      return p.getLongValue();
    }
    p.skipChildren();
    return -1;
  }

  /**
   * Parses a JSON document an application passes through to the provider (tools, a response
   * format, tool arguments).
   *
   * @param field the request field it came from, named in the error
   * @throws InvalidRequestException naming {@code field} if it is not JSON
   */
  public static JsonNode passThrough(String json, String field, String provider, String model) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new InvalidRequestException(
          "ChatRequest." + field + " is not valid JSON (" + e.getClass().getSimpleName() + ")",
          ErrorDetails.of(provider, model), e);
    }
  }

  /** The text of {@code node} when it is a string, else null. */
  public static @Nullable String text(@Nullable JsonNode node) {
    return node != null && node.isTextual() ? node.asText() : null;
  }

  /** The integer value of {@code node}, or -1 when it is missing or not an integer. */
  public static long count(@Nullable JsonNode node) {
    return node != null && node.isIntegralNumber() ? node.asLong() : -1;
  }
}
