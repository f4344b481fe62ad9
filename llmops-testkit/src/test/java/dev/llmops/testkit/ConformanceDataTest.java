package dev.llmops.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** A missing file skips its test, and the console hears why once per JVM, not once per test. */
class ConformanceDataTest {
  @Test
  void missingMaterialSkipsAndSaysWhyOnceOnTheConsole() {
    String required = System.getProperty(ConformanceData.REQUIRE_PROPERTY);
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.clearProperty(ConformanceData.REQUIRE_PROPERTY);
    ConformanceData.NOTICED.set(false);
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Throwable first = catchThrowable(() -> ConformanceData.file("no-such-dir/no-such-file.json"));
      Throwable second = catchThrowable(() -> ConformanceData.file("no-such-dir/another.json"));
      assertThat(first).isInstanceOf(TestAbortedException.class).hasMessageContaining("no-such-file.json");
      assertThat(second).isInstanceOf(TestAbortedException.class).hasMessageContaining("another.json");
    } finally {
      System.setErr(err);
      if (required != null) {
        System.setProperty(ConformanceData.REQUIRE_PROPERTY, required);
      }
    }
    String console = captured.toString(StandardCharsets.UTF_8);
    assertThat(console.lines().filter(l -> l.startsWith("llmops: conformance tests skip")).count()).isEqualTo(1);
    assertThat(console).contains("../shared/data", "README");
  }
}
