package dev.llmops.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.api.CallListener;
import dev.llmops.core.audit.AuditLog;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.redaction.PiiType;
import dev.llmops.core.redaction.RedactionMode;
import dev.llmops.core.redaction.Redactor;
import dev.llmops.core.sink.SinkQueue;
import dev.llmops.core.transcript.SubjectKey;
import dev.llmops.core.transcript.TranscriptStore;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/** The {@code telemetry}, {@code redaction}, {@code retention} and {@code audit} sections. */
final class ObservabilitySection extends Section {
  private static final Set<String> TELEMETRY = Set.of("enabled", "captureContent", "conventions");
  private static final Set<String> REDACTION = Set.of("disabled", "mode", "modes", "hmacKeyEnv", "allow", "allowPatterns");
  private static final Set<String> RETENTION = Set.of("enabled", "ttl", "maxEntries", "maxBytes", "sampleRate", "queue", "subjectKeyEnv");
  private static final Set<String> AUDIT = Set.of("enabled", "recordStartup", "queue");
  /** The transcript store's default queue: transcripts are large, so fewer wait in memory. */
  private static final SinkQueue TRANSCRIPT_QUEUE = SinkQueue.builder().capacity(1_000).build();

  private boolean recordStartup;

  ObservabilitySection(Assembler a) {
    super(a);
  }

  private @Nullable TelemetrySettings telemetrySettings() {
    JsonNode t = r.object(root, "telemetry", "telemetry", TELEMETRY);
    if (t == null) {
      return TelemetrySettings.disabled();
    }
    boolean enabled = r.bool(t, "enabled", "telemetry.enabled", true);
    boolean capture = r.bool(t, "captureContent", "telemetry.captureContent", false);
    TelemetrySettings.Conventions conventions = TelemetrySettings.Conventions.ENVIRONMENT;
    if (ConfigReader.present(t, "conventions") != null) {
      conventions = r.choice(t, "conventions", "telemetry.conventions", TelemetrySettings.Conventions.class);
    }
    return conventions == null ? null : new TelemetrySettings(enabled, capture, conventions);
  }

  boolean recordStartup() {
    return recordStartup;
  }

  TelemetrySettings telemetry(Redactor redactor) {
    TelemetrySettings settings = telemetrySettings();
    if (settings == null) {
      return TelemetrySettings.disabled();
    }
    if (settings.enabled()) {
      TelemetryFactory factory = bindings.telemetry().orElse(null);
      if (factory == null) {
        r.problem("telemetry.enabled", "telemetry is on but nothing makes its listener; bind one with "
            + "ConfigBindings.builder().telemetry(OtelInstrumentation.factory(openTelemetry)) from llmops-otel");
      } else {
        CallListener listener = r.build("telemetry", () -> factory.create(settings, redactor, clock, env));
        if (listener != null) {
          client.listener(listener);
        }
      }
    }
    return settings;
  }

  Redactor redaction() {
    JsonNode n = r.object(root, "redaction", "redaction", REDACTION);
    if (n == null) {
      return Redactor.defaults();
    }
    Redactor.Builder b = Redactor.builder();
    List<String> disabled = r.strings(n, "disabled", "redaction.disabled");
    for (int i = 0; i < disabled.size(); i++) {
      PiiType type = r.choice(disabled.get(i), "redaction.disabled[" + i + "]", PiiType.class);
      if (type != null) {
        b.disable(type);
      }
    }
    RedactionMode all = r.choice(n, "mode", "redaction.mode", RedactionMode.class);
    if (all != null) {
      b.modeForAll(all);
    }
    for (Map.Entry<String, JsonNode> e : r.entries(n, "modes", "redaction.modes").entrySet()) {
      String path = "redaction.modes." + e.getKey();
      PiiType type = r.choice(e.getKey(), path, PiiType.class);
      if (!e.getValue().isTextual()) {
        r.problem(path, "expected tag, mask or hmac but found " + ConfigReader.kind(e.getValue()));
        continue;
      }
      RedactionMode mode = r.choice(e.getValue().asText(), path, RedactionMode.class);
      if (type != null && mode != null) {
        b.mode(type, mode);
      }
    }
    boolean keyMissing = false;
    String keyEnv = r.string(n, "hmacKeyEnv", "redaction.hmacKeyEnv");
    if (keyEnv != null) {
      Secret key = a.secret(keyEnv, "redaction.hmacKeyEnv");
      keyMissing = key == null;
      if (key != null) {
        r.apply("redaction.hmacKeyEnv", () -> b.hmacKey(key.reveal().getBytes(StandardCharsets.UTF_8)));
      }
    }
    b.allow(r.strings(n, "allow", "redaction.allow"));
    List<String> patterns = r.strings(n, "allowPatterns", "redaction.allowPatterns");
    for (int i = 0; i < patterns.size(); i++) {
      try {
        b.allowMatching(Pattern.compile(patterns.get(i)));
      } catch (PatternSyntaxException e) {
        r.problem("redaction.allowPatterns[" + i + "]", "not a regular expression: " + e.getDescription());
      }
    }
    if (keyMissing) {
      return Redactor.defaults(); // HMAC modes cannot be built without the key, a problem already listed
    }
    Redactor built = r.build("redaction", b::build);
    return built != null ? built : Redactor.defaults();
  }

  @Nullable TranscriptStore retention(Redactor redactor) {
    JsonNode n = r.object(root, "retention", "retention", RETENTION);
    if (n == null || !r.bool(n, "enabled", "retention.enabled", true)) {
      return null;
    }
    TranscriptStore.Builder b = TranscriptStore.builder().clock(clock).redactor(redactor);
    bindings.random().ifPresent(b::random);
    bindings.scheduler().ifPresent(b::scheduler);
    bindings.transcriptSinks().forEach(b::sink);
    String subjectKeyEnv = r.string(n, "subjectKeyEnv", "retention.subjectKeyEnv");
    if (subjectKeyEnv != null) {
      Secret key = a.secret(subjectKeyEnv, "retention.subjectKeyEnv");
      if (key != null) {
        r.apply("retention.subjectKeyEnv",
            () -> b.subjectKey(SubjectKey.of(key.reveal().getBytes(StandardCharsets.UTF_8))));
      }
    }
    b.queue(a.queues.queue(n, "queue", "retention.queue", TRANSCRIPT_QUEUE));
    Duration ttl = r.duration(n, "ttl", "retention.ttl");
    if (ttl != null) {
      r.apply("retention.ttl", () -> b.ttl(ttl));
    }
    Integer max = r.smallInteger(n, "maxEntries", "retention.maxEntries", 1);
    if (max != null) {
      b.maxEntries(max);
    }
    Long bytes = r.bytes(n, "maxBytes", "retention.maxBytes");
    if (bytes != null) {
      r.apply("retention.maxBytes", () -> b.maxBytes(bytes));
    }
    Double rate = r.number(n, "sampleRate", "retention.sampleRate", 0.0, 1.0);
    if (rate != null) {
      b.sampleRate(rate);
    }
    if (!r.problems().isEmpty()) {
      return null; // opening queues (and their journals) waits for a valid file
    }
    TranscriptStore store = r.build("retention.queue", opening(b::build));
    if (store != null) {
      client.listener(store);
    }
    return store;
  }

  @Nullable AuditLog audit(Redactor redactor) {
    JsonNode n = r.object(root, "audit", "audit", AUDIT);
    if (n == null || !r.bool(n, "enabled", "audit.enabled", true)) {
      return null;
    }
    recordStartup = r.bool(n, "recordStartup", "audit.recordStartup", true);
    AuditLog.Builder b = AuditLog.builder().redactor(redactor).clock(clock);
    bindings.scheduler().ifPresent(b::scheduler);
    bindings.auditSinks().forEach(b::sink);
    bindings.auditBatchSinks().forEach(b::batchSink);
    b.queue(a.queues.queue(n, "queue", "audit.queue", SinkQueue.defaults()));
    return r.build("audit.queue", opening(b::build));
  }

  /** A build that opens journal files: an I/O failure becomes a problem like any other. */
  private static <T> Supplier<T> opening(Supplier<T> build) {
    return () -> {
      try {
        return build.get();
      } catch (UncheckedIOException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    };
  }
}
