package dev.llmops.eval.monitor;

import dev.llmops.api.AttemptInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.audit.AuditEvent;
import dev.llmops.api.audit.AuditSink;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Detects silent model changes: for each endpoint it remembers the concrete model (and OpenAI's
 * {@code system_fingerprint}, read from the response metadata) that answered last, and when an
 * answer names another one it reports a {@link ModelChange} to its listeners, to the {@link
 * AuditSink} (action {@link ModelChange#AUDIT_ACTION}) and to the {@link DriftMonitor}s it is told
 * of, which mark the change on their windows (before/after). Add it with {@code
 * LlmClient.Builder.listener(detector)}.
 *
 * <p>The call path compares two strings with what is remembered and allocates nothing while the
 * model stays the same. Thread-safe; listeners run on the thread that ended the attempt and must
 * be fast and must not throw (a throw is caught and counted).
 */
public final class ModelChangeDetector implements CallListener {
  /** The response metadata key of OpenAI's system fingerprint. */
  public static final String SYSTEM_FINGERPRINT = ChatResponse.SYSTEM_FINGERPRINT;

  private final Clock clock;
  private final AuditSink audit;
  private final List<Consumer<ModelChange>> listeners;
  private final List<DriftMonitor> driftMonitors;
  private final Map<String, Served> last = new ConcurrentHashMap<>();
  private final AtomicLong changes = new AtomicLong();
  private final AtomicLong listenerFailures = new AtomicLong();

  private ModelChangeDetector(Builder b) {
    this.clock = b.clock;
    this.audit = b.audit;
    this.listeners = List.copyOf(b.listeners);
    this.driftMonitors = List.copyOf(b.driftMonitors);
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void attemptEnd(AttemptInfo attempt, ChatResponse response) {
    String fingerprint = response.metadata().get(SYSTEM_FINGERPRINT);
    String model = response.model();
    if (model.isEmpty()) {
      return;
    }
    String endpoint = attempt.endpoint();
    Served seen = last.get(endpoint);
    if (seen != null && seen.model.equals(model) && Objects.equals(seen.fingerprint, fingerprint)) {
      return;
    }
    Served now = new Served(model, fingerprint);
    if (seen == null) {
      last.putIfAbsent(endpoint, now); // the first answer from this endpoint
      return;
    }
    if (!last.replace(endpoint, seen, now)) {
      return; // another thread recorded this change
    }
    Served before = seen;
    ModelChange change = new ModelChange(endpoint, attempt.model().modelId(),
        ModelChange.served(before.model, before.fingerprint), ModelChange.served(model, fingerprint), clock.instant());
    changes.incrementAndGet();
    for (DriftMonitor m : driftMonitors) {
      m.markModelChange(change);
    }
    try {
      audit.record(AuditEvent.of(change.at(), ModelChange.AUDIT_ACTION, endpoint, change.before(), change.after()));
    } catch (RuntimeException e) {
      listenerFailures.incrementAndGet();
    }
    for (Consumer<ModelChange> l : listeners) {
      try {
        l.accept(change);
      } catch (RuntimeException e) {
        listenerFailures.incrementAndGet();
      }
    }
  }

  /** What endpoint {@code endpoint} served last ({@code model} or {@code model/fingerprint}), if anything. */
  public @Nullable String served(String endpoint) {
    Served s = last.get(Objects.requireNonNull(endpoint, "endpoint"));
    return s == null ? null : ModelChange.served(s.model, s.fingerprint);
  }

  /** Model changes seen so far. */
  public long changes() {
    return changes.get();
  }

  /** How many times a listener or the audit sink threw (each was caught). */
  public long listenerFailures() {
    return listenerFailures.get();
  }

  private record Served(String model, @Nullable String fingerprint) {}

  /** Builds a {@link ModelChangeDetector}. Not thread-safe. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private AuditSink audit = AuditSink.noop();
    private final List<Consumer<ModelChange>> listeners = new ArrayList<>();
    private final List<DriftMonitor> driftMonitors = new ArrayList<>();

    private Builder() {}

    /** The clock changes are timed on (default the system's; pass the client's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where changes are audited (default none; pass the application's {@code AuditLog}). */
    public Builder audit(AuditSink audit) {
      this.audit = Objects.requireNonNull(audit, "audit");
      return this;
    }

    /** Adds a listener for changes. */
    public Builder listener(Consumer<ModelChange> listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Marks changes on {@code monitor}'s windows. */
    public Builder driftMonitor(DriftMonitor monitor) {
      driftMonitors.add(Objects.requireNonNull(monitor, "monitor"));
      return this;
    }

    /** Builds the detector. */
    public ModelChangeDetector build() {
      return new ModelChangeDetector(this);
    }
  }
}
