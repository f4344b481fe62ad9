package dev.llmops.core.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class RedactingLoggerTest {
  private static final String KEY = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";

  @Test
  void exceptionCopiesKeepClassAndFramesButRedactMessagesAndCauses() {
    IllegalStateException cause = new IllegalStateException("key " + KEY + " rejected");
    RuntimeException error = new RuntimeException("call for jane@example.com failed", cause);
    Throwable copy = RedactingLogger.of(RedactingLoggerTest.class).redact(error);

    assertThat(copy.toString()).isEqualTo("java.lang.RuntimeException: call for <EMAIL> failed");
    assertThat(copy.getStackTrace()).isEqualTo(error.getStackTrace());
    assertThat(copy.getCause()).isNotNull();
    StringWriter printed = new StringWriter();
    copy.printStackTrace(new PrintWriter(printed));
    assertThat(printed.toString())
        .contains("Caused by: java.lang.IllegalStateException: key <API_KEY> rejected")
        .doesNotContain("jane@example.com").doesNotContain("sk-proj-");
  }

  @Test
  void aDisabledLevelNeitherRedactsNorFormatsNorLogs() {
    RecordingSlf4jLogger backend = new RecordingSlf4jLogger(Level.INFO);
    RedactingLogger log = RedactingLogger.of(backend, Redactor.defaults());
    AtomicInteger rendered = new AtomicInteger();
    Object counting = new Object() {
      @Override
      public String toString() {
        rendered.incrementAndGet();
        return "jane@example.com";
      }
    };

    log.debug("user {}", counting);
    log.trace("user {}", counting, new IllegalStateException("x"));

    assertThat(backend.lines).isEmpty();
    assertThat(rendered).hasValue(0);
  }

  @Test
  void argumentsAreRedactedIntoACopyWhileCleanOnesPassAsTheyAre() {
    RecordingSlf4jLogger backend = new RecordingSlf4jLogger(Level.DEBUG);
    RedactingLogger log = RedactingLogger.of(backend, Redactor.defaults());
    String clean = "gpt-4o-mini";
    Long ticket = 4_000_000_123L;
    @Nullable Object[] args = {ticket, "jane@example.com", clean, TimeUnit.SECONDS, null};

    log.debug("ticket {} for {} by {} in {} ({})", args);

    assertThat(backend.lines).hasSize(1);
    RecordingSlf4jLogger.Line line = backend.lines.get(0);
    assertThat(line.level()).isEqualTo(Level.DEBUG);
    assertThat(line.cause()).isNull();
    assertThat(line.args()).containsExactly(ticket, "<EMAIL>", clean, TimeUnit.SECONDS, null);
    assertThat(line.args().get(0)).isSameAs(ticket);
    assertThat(line.args().get(2)).isSameAs(clean);
    assertThat(args[1]).as("the caller's array is left alone").isEqualTo("jane@example.com");
  }

  @Test
  void aTrailingExceptionBecomesTheRedactedCauseAndIsNoArgument() {
    RecordingSlf4jLogger backend = new RecordingSlf4jLogger(Level.TRACE);
    RedactingLogger log = RedactingLogger.of(backend, Redactor.defaults());

    log.warn("model {} failed", "m-1", new IllegalStateException("key " + KEY + " rejected"));

    RecordingSlf4jLogger.Line line = backend.lines.get(0);
    assertThat(line.level()).isEqualTo(Level.WARN);
    assertThat(line.args()).containsExactly("m-1");
    assertThat(line.cause()).isNotNull();
    assertThat(String.valueOf(line.cause())).isEqualTo("java.lang.IllegalStateException: key <API_KEY> rejected");
  }

  @Test
  void everyLevelReachesItsBackendLevel() {
    RecordingSlf4jLogger backend = new RecordingSlf4jLogger(Level.TRACE);
    RedactingLogger log = RedactingLogger.of(backend, Redactor.defaults());

    log.trace("{}", "a");
    log.debug("{}", "a");
    log.info("{}", "a");
    log.warn("{}", "a");
    log.error("{}", "a");

    assertThat(backend.lines).extracting(RecordingSlf4jLogger.Line::level)
        .containsExactly(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR);
  }

  @Test
  void structuredEntriesRedactValuesAndCausesAndDoNothingWhenTheLevelIsOff() {
    RecordingSlf4jLogger backend = new RecordingSlf4jLogger(Level.INFO);
    RedactingLogger log = RedactingLogger.of(backend, Redactor.defaults());
    Long tokens = 42L;

    log.at(Level.DEBUG).kv("user", "jane@example.com").cause(new IllegalStateException("x")).log("off {}", "a");
    assertThat(backend.lines).isEmpty();

    log.at(Level.WARN).kv("user", "jane@example.com").kv("tokens", tokens)
        .cause(new IllegalStateException("key " + KEY)).log("call for {} failed", "ann@example.org");
    assertThat(backend.lines).hasSize(1);
    RecordingSlf4jLogger.Line line = backend.lines.get(0);
    assertThat(line.level()).isEqualTo(Level.WARN);
    assertThat(line.args()).containsExactly("<EMAIL>");
    assertThat(String.valueOf(line.cause())).isEqualTo("java.lang.IllegalStateException: key <API_KEY>");
    assertThat(log.name()).isEqualTo("recording");
    assertThat(log.isEnabled(Level.INFO)).isTrue();
    assertThat(log.isEnabled(Level.DEBUG)).isFalse();
  }

  @Test
  void anExceptionInTheMiddleOfTheArgumentsIsRedactedAsText() {
    RecordingSlf4jLogger backend = new RecordingSlf4jLogger(Level.INFO);
    RedactingLogger log = RedactingLogger.of(backend, Redactor.defaults());

    log.info("{} then {}", new IllegalStateException("mail jane@example.com"), "done");

    assertThat(backend.lines.get(0).args())
        .containsExactly("java.lang.IllegalStateException: mail <EMAIL>", "done");
    assertThat(backend.lines.get(0).cause()).isNull();
  }

  @Test
  void causeChainsAreCopiedToADepthOfSixteenAndAMessagelessOneKeepsItsClassName() {
    Throwable t = new IllegalStateException((String) null);
    for (int k = 0; k < 30; k++) {
      t = new RuntimeException("level " + k, t);
    }
    Throwable copy = RedactingLogger.of(RedactingLoggerTest.class).redact(t);
    int depth = 0;
    for (Throwable c = copy; c != null; c = c.getCause()) {
      depth++;
    }
    assertThat(depth).isEqualTo(17);
    Throwable bare = RedactingLogger.of(RedactingLoggerTest.class).redact(new IllegalStateException((String) null));
    assertThat(bare.toString()).isEqualTo("java.lang.IllegalStateException");
    assertThat(((RedactingLogger.RedactedThrowable) bare).originalClass()).isEqualTo("java.lang.IllegalStateException");
  }

  @Property(tries = 200)
  void eachArgumentReachesTheBackendExactlyAsTheRedactorRedactsIt(@ForAll("texts") List<String> texts) {
    RecordingSlf4jLogger backend = new RecordingSlf4jLogger(Level.INFO);
    RedactingLogger log = RedactingLogger.of(backend, Redactor.defaults());
    Object[] args = texts.toArray();

    log.info("{}", args);

    List<@Nullable Object> logged = backend.lines.get(0).args();
    assertThat(logged).hasSameSizeAs(args);
    for (int k = 0; k < args.length; k++) {
      String expected = Redactor.defaults().redact(texts.get(k));
      assertThat(logged.get(k)).isEqualTo(expected);
      if (expected.equals(texts.get(k))) {
        assertThat(logged.get(k)).isSameAs(args[k]);
      }
      assertThat(args[k]).isSameAs(texts.get(k));
    }
  }

  @Provide
  Arbitrary<List<String>> texts() {
    Arbitrary<String> piece = Arbitraries.oneOf(
        Arbitraries.of("jane@example.com", KEY, "415-555-0132", "10.0.0.1", "password=hunter2", "gpt-4o", "tenant acme"),
        Arbitraries.strings().withChars("ab1-@.: =").ofMaxLength(12));
    return piece.list().ofMaxSize(3).map(l -> String.join(" ", l)).list().ofMaxSize(5);
  }
}
