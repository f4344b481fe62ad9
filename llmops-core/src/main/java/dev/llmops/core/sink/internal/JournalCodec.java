package dev.llmops.core.sink.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How one record type is written to a journal file and read back: one JSON object per line. The
 * fields are written by name, explicitly, so that a journal written by one version can be read by
 * the next; every object carries {@code "v"}, the format version. Implementations are stateless
 * and thread-safe.
 *
 * @param <T> the record type
 */
public interface JournalCodec<T> {

  /** The record as a JSON object (build it with {@link JournalFields#object(int)}). */
  ObjectNode encode(T record);

  /**
   * The record a JSON object holds.
   *
   * @throws IllegalArgumentException naming the field, if a field is missing or has the wrong type
   *     or value, or the version is not one this codec reads
   */
  T decode(JsonNode node);
}
