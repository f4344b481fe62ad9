package dev.llmops.core.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class RedactingLoggerTest {
  @Test
  void exceptionCopiesKeepClassAndFramesButRedactMessagesAndCauses() {
    IllegalStateException cause = new IllegalStateException("key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z rejected");
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
}
