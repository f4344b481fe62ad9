package dev.llmops.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.core.sink.OverflowPolicy;
import dev.llmops.core.sink.SinkQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code queue} mappings ({@code accounting.ledgerQueue}, {@code audit.queue}, {@code
 * retention.queue}): how records reach a sink. Also checks that no two queues name one journal file.
 */
final class QueueSection extends Section {
  private static final Set<String> QUEUE = Set.of(
      "capacity", "maxBatch", "overflow", "blockTimeout", "journal", "journalMaxBytes", "retry", "closeTimeout");
  private static final Set<String> RETRY = Set.of("initial", "max", "maxAttempts");

  /** Journal files named so far, absolute and normalised, with the key that named each. */
  private final Map<Path, String> journals = new HashMap<>();

  QueueSection(Assembler a) {
    super(a);
  }

  /**
   * The queue configured at {@code parent.key}, starting from {@code defaults}; {@code defaults}
   * itself when the key is absent or has problems (which are recorded).
   */
  SinkQueue queue(JsonNode parent, String key, String path, SinkQueue defaults) {
    JsonNode n = r.object(parent, key, path, QUEUE);
    if (n == null) {
      return defaults;
    }
    int before = r.problems().size();
    SinkQueue.Builder b = defaults.toBuilder();
    Integer capacity = r.smallInteger(n, "capacity", path + ".capacity", 1);
    if (capacity != null) {
      b.capacity(capacity);
    }
    Integer maxBatch = r.smallInteger(n, "maxBatch", path + ".maxBatch", 1);
    if (maxBatch != null) {
      b.maxBatch(maxBatch);
    }
    OverflowPolicy overflow = r.choice(n, "overflow", path + ".overflow", OverflowPolicy.class);
    if (overflow != null) {
      b.overflow(overflow);
    }
    Duration block = r.duration(n, "blockTimeout", path + ".blockTimeout");
    if (block != null) {
      b.blockTimeout(block);
    }
    String journal = r.string(n, "journal", path + ".journal");
    if (journal != null) {
      Path file = base.resolve(journal).toAbsolutePath().normalize();
      String other = journals.putIfAbsent(file, path + ".journal");
      if (other != null) {
        r.problem(path + ".journal", "journal file " + file + " is already used by " + other + "; each queue needs its own");
      }
      b.journal(file);
    }
    Long journalMax = r.bytes(n, "journalMaxBytes", path + ".journalMaxBytes");
    if (journalMax != null) {
      r.apply(path + ".journalMaxBytes", () -> b.journalMaxBytes(journalMax));
    }
    JsonNode retry = r.object(n, "retry", path + ".retry", RETRY);
    if (retry != null) {
      Duration initial = r.duration(retry, "initial", path + ".retry.initial");
      Duration max = r.duration(retry, "max", path + ".retry.max");
      if (initial != null || max != null) {
        Duration i = initial != null ? initial : defaults.retryInitialDelay();
        Duration m = max != null ? max : defaults.retryMaxDelay();
        r.apply(path + ".retry", () -> b.retryBackoff(i, m));
      }
      Integer attempts = r.smallInteger(retry, "maxAttempts", path + ".retry.maxAttempts", 0);
      if (attempts != null) {
        b.maxAttempts(attempts);
      }
    }
    Duration close = r.duration(n, "closeTimeout", path + ".closeTimeout");
    if (close != null) {
      b.closeTimeout(close);
    }
    OverflowPolicy policy = overflow != null ? overflow : defaults.overflow();
    if (policy == OverflowPolicy.JOURNAL && journal == null && defaults.journal() == null) {
      r.problem(path + ".journal", "required with overflow: journal (a file, relative to this file)");
    } else if (policy != OverflowPolicy.JOURNAL && journal != null) {
      r.problem(path + ".journal", "used only with overflow: journal, but overflow is " + policy.name().toLowerCase(Locale.ROOT));
    }
    if (r.problems().size() > before) {
      return defaults;
    }
    SinkQueue built = r.build(path, b::build);
    return built == null || r.problems().size() > before ? defaults : built;
  }
}
