package dev.llmops.core.redaction;

import dev.llmops.api.AttributeKey;
import dev.llmops.api.CallInfo;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.PromptRef;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * An SLF4J logger whose arguments, key-value pairs and exceptions pass through a {@link Redactor}
 * before they reach the logging backend. The message pattern itself is the caller's constant and
 * is not redacted; put every value in an argument ({@code log.warn("model {} failed: {}", model,
 * error)}).
 *
 * <p>An exception (as the last argument or a {@link Entry#cause cause}) is replaced by a copy whose
 * message, and whose causes' messages, are redacted; class names and stack frames are kept. Nothing
 * is redacted, or even formatted, for a level that is off.
 *
 * <p>A line logged on behalf of a call ({@link #log(CallInfo, Level, String, Object...)}) carries
 * the call's attribution in the SLF4J MDC while it is logged, under the keys of {@link CallMdc};
 * the MDC is set only when the level is enabled, on the thread that logs, and restored right after.
 *
 * <p>Every log line of llmops goes through one of these. Immutable and thread-safe.
 */
public final class RedactingLogger {
  private final Logger delegate;
  private final Redactor redactor;

  private RedactingLogger(Logger delegate, Redactor redactor) {
    this.delegate = delegate;
    this.redactor = redactor;
  }

  /** A logger named after {@code type}, redacting with {@link Redactor#defaults()}. */
  public static RedactingLogger of(Class<?> type) {
    return new RedactingLogger(LoggerFactory.getLogger(type), Redactor.defaults());
  }

  /** A logger with the given name, redacting with {@link Redactor#defaults()}. */
  public static RedactingLogger of(String name) {
    return new RedactingLogger(LoggerFactory.getLogger(name), Redactor.defaults());
  }

  /** A logger over {@code delegate}, redacting with {@code redactor}. */
  public static RedactingLogger of(Logger delegate, Redactor redactor) {
    return new RedactingLogger(
        Objects.requireNonNull(delegate, "delegate"), Objects.requireNonNull(redactor, "redactor"));
  }

  /** The logger's name. */
  public String name() {
    return delegate.getName();
  }

  /** True if {@code level} is enabled in the backend. */
  public boolean isEnabled(Level level) {
    return delegate.isEnabledForLevel(level);
  }

  /** Logs at TRACE. */
  public void trace(String message, @Nullable Object... args) {
    log(Level.TRACE, message, args);
  }

  /** Logs at DEBUG. */
  public void debug(String message, @Nullable Object... args) {
    log(Level.DEBUG, message, args);
  }

  /** Logs at INFO. */
  public void info(String message, @Nullable Object... args) {
    log(Level.INFO, message, args);
  }

  /** Logs at WARN. */
  public void warn(String message, @Nullable Object... args) {
    log(Level.WARN, message, args);
  }

  /** Logs at ERROR. */
  public void error(String message, @Nullable Object... args) {
    log(Level.ERROR, message, args);
  }

  /**
   * Logs {@code message} with SLF4J {@code {}} placeholders filled by the redacted {@code args}; a
   * trailing {@link Throwable} is logged as the exception, redacted.
   */
  public void log(Level level, String message, @Nullable Object... args) {
    if (!delegate.isEnabledForLevel(level)) {
      return;
    }
    int n = args.length;
    if (n > 0 && args[n - 1] instanceof Throwable t) {
      LoggingEventBuilder b = delegate.atLevel(level).setCause(redact(t));
      for (int k = 0; k < n - 1; k++) {
        b = b.addArgument(redactValue(args[k]));
      }
      b.log(message);
      return;
    }
    // The common line: arguments redacted into a copy made only when one of them changes (a
    // number or a clean string is passed on as it is), then one call of the plain API, which
    // formats once and builds no fluent event.
    @Nullable Object[] out = args;
    for (int k = 0; k < n; k++) {
      @Nullable Object arg = args[k];
      @Nullable Object redacted = redactValue(arg);
      if (redacted != arg) {
        if (out == args) {
          out = args.clone();
        }
        out[k] = redacted;
      }
    }
    switch (level) {
      case TRACE -> delegate.trace(message, out);
      case DEBUG -> delegate.debug(message, out);
      case INFO -> delegate.info(message, out);
      case WARN -> delegate.warn(message, out);
      case ERROR -> delegate.error(message, out);
    }
  }

  /**
   * Logs as {@link #log(Level, String, Object...)} does, on behalf of {@code call}: while the line
   * is logged, the MDC holds the call's {@link CallMdc} keys (redacted like the arguments), then
   * is restored to what it held before, on this thread. Nothing is set when the level is off.
   */
  public void log(CallInfo call, Level level, String message, @Nullable Object... args) {
    if (!delegate.isEnabledForLevel(level)) {
      return;
    }
    @Nullable String[] before = CallMdc.put(call, redactor);
    try {
      log(level, message, args);
    } finally {
      CallMdc.restore(before);
    }
  }

  /** Starts a structured entry at {@code level}, for key-value pairs. */
  public Entry at(Level level) {
    return new Entry(delegate.isEnabledForLevel(level) ? delegate.atLevel(level) : null);
  }

  private @Nullable Object redactValue(@Nullable Object value) {
    if (value == null || value instanceof Number || value instanceof Boolean || value instanceof Enum<?>) {
      return value;
    }
    if (value instanceof Throwable t) {
      return redact(t).toString();
    }
    return redactor.redact(value.toString());
  }

  /** A copy of {@code t} (and its causes) with redacted messages and the same stack frames. */
  Throwable redact(Throwable t) {
    return RedactedThrowable.of(t, redactor, 0);
  }

  /**
   * The SLF4J MDC keys a line logged on behalf of a call carries (a log pattern shows them with
   * {@code %X{llmops.tenant}}); a key is absent when the call has no such value. Values are
   * redacted like log arguments.
   *
   * <ul>
   *   <li>{@value #CALL_ID}: the call's id;
   *   <li>{@value #TENANT} and {@value #FEATURE}: from the call's {@link dev.llmops.api.CallContext};
   *   <li>{@value #PROMPT}: the prompt as {@code name@version} once the prompt step pinned a
   *       version, {@code name@label} (or just the name) before;
   *   <li>{@value #EXPERIMENT} and {@value #VARIANT}: the experiment and the variant assigned;
   *   <li>{@value #TRACE_ID} and {@value #SPAN_ID}: the W3C ids (lower-case hex) of the call's
   *       span, from the {@link #TRACE_ID_ATTRIBUTE} and {@link #SPAN_ID_ATTRIBUTE} call
   *       attributes that a telemetry capability (llmops-otel's instrumentation) sets when the span
   *       starts; absent without one.
   * </ul>
   */
  public static final class CallMdc {
    /** MDC key of the call's id. */
    public static final String CALL_ID = "llmops.call_id";
    /** MDC key of the call's tenant. */
    public static final String TENANT = "llmops.tenant";
    /** MDC key of the call's feature. */
    public static final String FEATURE = "llmops.feature";
    /** MDC key of the call's prompt, {@code name@version}. */
    public static final String PROMPT = "llmops.prompt";
    /** MDC key of the call's experiment. */
    public static final String EXPERIMENT = "llmops.experiment";
    /** MDC key of the call's experiment variant. */
    public static final String VARIANT = "llmops.variant";
    /** MDC key of the trace id of the call's span. */
    public static final String TRACE_ID = "llmops.trace_id";
    /** MDC key of the span id of the call's span. */
    public static final String SPAN_ID = "llmops.span_id";

    /**
     * The call attribute holding the trace id (32 lower-case hex digits) of the call's span, set by
     * a telemetry capability; llmops-core reads it without knowing any tracing API.
     */
    public static final AttributeKey<String> TRACE_ID_ATTRIBUTE = AttributeKey.internal(TRACE_ID, String.class);

    /** The call attribute holding the span id (16 lower-case hex digits) of the call's current span. */
    public static final AttributeKey<String> SPAN_ID_ATTRIBUTE = AttributeKey.internal(SPAN_ID, String.class);

    private static final String[] KEYS = {CALL_ID, TENANT, FEATURE, PROMPT, EXPERIMENT, VARIANT, TRACE_ID, SPAN_ID};

    private CallMdc() {}

    /** Puts the call's values, returning what each key held before (null: absent). */
    static @Nullable String[] put(CallInfo call, Redactor redactor) {
      @Nullable String[] before = new String[KEYS.length];
      for (int k = 0; k < KEYS.length; k++) {
        before[k] = MDC.get(KEYS[k]);
      }
      Fingerprint f = call.attributes().getOrNull(Fingerprint.KEY);
      String prompt = null;
      if (f != null && f.promptName() != null) {
        prompt = f.promptName() + "@" + f.promptVersion();
      } else {
        PromptRef ref = call.attributes().getOrNull(PromptRef.KEY);
        if (ref != null) {
          Object at = ref.version() != null ? ref.version() : ref.label();
          prompt = at == null ? ref.name() : ref.name() + "@" + at;
        }
      }
      set(CALL_ID, call.callId(), null);
      set(TENANT, call.context().tenant(), redactor);
      set(FEATURE, call.context().feature(), redactor);
      set(PROMPT, prompt, redactor);
      set(EXPERIMENT, f == null ? null : f.experimentKey(), redactor);
      set(VARIANT, f == null ? null : f.variant(), redactor);
      set(TRACE_ID, call.attributes().getOrNull(TRACE_ID_ATTRIBUTE), null);
      set(SPAN_ID, call.attributes().getOrNull(SPAN_ID_ATTRIBUTE), null);
      return before;
    }

    private static void set(String key, @Nullable String value, @Nullable Redactor redactor) {
      if (value == null) {
        MDC.remove(key);
      } else {
        MDC.put(key, redactor == null ? value : redactor.redact(value));
      }
    }

    /** Gives each key back what it held before {@link #put}. */
    static void restore(@Nullable String[] before) {
      for (int k = 0; k < KEYS.length; k++) {
        String value = before[k];
        if (value == null) {
          MDC.remove(KEYS[k]);
        } else {
          MDC.put(KEYS[k], value);
        }
      }
    }
  }

  /** One structured log entry under construction. Not thread-safe; use it on one thread. */
  public final class Entry {
    private @Nullable LoggingEventBuilder builder;

    private Entry(@Nullable LoggingEventBuilder builder) {
      this.builder = builder;
    }

    /** Adds a key-value pair; the value is redacted (numbers, booleans and enums pass as they are). */
    public Entry kv(String key, @Nullable Object value) {
      Objects.requireNonNull(key, "key");
      LoggingEventBuilder b = builder;
      if (b != null) {
        builder = b.addKeyValue(key, redactValue(value));
      }
      return this;
    }

    /** Sets the exception, redacted. */
    public Entry cause(Throwable cause) {
      LoggingEventBuilder b = builder;
      if (b != null) {
        builder = b.setCause(redact(Objects.requireNonNull(cause, "cause")));
      }
      return this;
    }

    /** Logs the entry with {@code message}, placeholders filled by the redacted {@code args}. */
    public void log(String message, @Nullable Object... args) {
      LoggingEventBuilder b = builder;
      if (b == null) {
        return;
      }
      for (Object arg : args) {
        b = b.addArgument(redactValue(arg));
      }
      b.log(message);
      builder = null;
    }
  }

  /**
   * Stands in for a logged exception: prints as {@code original.Class: redacted message} with the
   * original's stack frames and redacted causes.
   */
  static final class RedactedThrowable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_DEPTH = 16;

    private final String originalClass;

    private RedactedThrowable(String originalClass, @Nullable String message, @Nullable Throwable cause) {
      super(message, cause, false, true);
      this.originalClass = originalClass;
    }

    static Throwable of(Throwable t, Redactor redactor, int depth) {
      Throwable cause = t.getCause();
      Throwable redactedCause = cause == null || cause == t || depth >= MAX_DEPTH
          ? null : of(cause, redactor, depth + 1);
      RedactedThrowable r = new RedactedThrowable(
          t.getClass().getName(), redactor.redactNullable(t.getMessage()), redactedCause);
      r.setStackTrace(t.getStackTrace());
      return r;
    }

    /** The class name of the exception this one stands in for. */
    String originalClass() {
      return originalClass;
    }

    // Backends print toString(): it must name the class this copy stands in for, not this class.
    @SuppressWarnings("OverrideThrowableToString")
    @Override
    public String toString() {
      String message = getMessage();
      return message == null ? originalClass : originalClass + ": " + message;
    }
  }
}
