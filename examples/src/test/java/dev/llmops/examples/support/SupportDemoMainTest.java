package dev.llmops.examples.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as a user runs it, in a JVM of its own (logging is configured once per JVM): by default
 * it prints its report and nothing else; {@code --verbose} adds the log lines and span dumps.
 */
class SupportDemoMainTest {
  @TempDir Path dir;

  private Process run(String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        SupportDemo.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(dir.resolve("err.txt").toFile())
        .start();
  }

  private static void finish(Process p) throws InterruptedException {
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the demo ends").isTrue();
    assertThat(p.exitValue()).isZero();
  }

  @Test
  void byDefaultItPrintsTheReportAndNothingElse() throws Exception {
    finish(run("40"));
    String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
    assertThat(out).startsWith("llmops support assistant").contains("tickets: ").doesNotContain("DEBUG", "\u001b[");
    assertThat(out.lines().count()).isLessThan(40);
    assertThat(Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void verboseAddsTheLogLinesAndSpanDumps() throws Exception {
    finish(run("40", "--verbose"));
    String err = Files.readString(new File(dir.toFile(), "err.txt").toPath(), StandardCharsets.UTF_8);
    assertThat(err).contains("DEBUG");
    assertThat(Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8)).startsWith("llmops support assistant");
  }
}
