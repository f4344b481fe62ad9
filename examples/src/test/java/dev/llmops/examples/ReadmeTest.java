package dev.llmops.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's code comes from compiled sources, so it cannot rot. */
class ReadmeTest {

  static Path root() {
    String configured = System.getProperty("llmops.repositoryRoot");
    return configured != null ? Path.of(configured) : Path.of("..").toAbsolutePath().normalize();
  }

  @Test
  void readmeOpensWithTheTwoCommandsAndTheTestCommandIsWhatCiRuns() throws IOException {
    List<String> lines = Files.readAllLines(root().resolve("README.md"), StandardCharsets.UTF_8);
    int fence = lines.indexOf("```sh");
    assertThat(fence).isBetween(0, 3);
    assertThat(lines.get(fence + 1)).startsWith("./mvnw ").contains("-Pquickstart");
    assertThat(lines.get(fence + 2)).startsWith("./mvnw verify");
    assertThat(lines.get(fence + 3)).isEqualTo("```");
    String ci = Files.readString(root().resolve(".ci/run"), StandardCharsets.UTF_8);
    assertThat(ci).contains("./mvnw -B verify");
  }

  @Test
  void readmeSampleIsTheQuickstartsCompiledCode() throws IOException {
    String readme = Files.readString(root().resolve("README.md"), StandardCharsets.UTF_8);
    String afterMarker = readme.substring(readme.indexOf("<!-- sample: quickstart -->"));
    String block = afterMarker.substring(afterMarker.indexOf("```java\n") + 8, afterMarker.indexOf("```", 8 + afterMarker.indexOf("```java\n")));

    List<String> source = Files.readAllLines(
        root().resolve("examples/src/main/java/dev/llmops/examples/quickstart/Quickstart.java"), StandardCharsets.UTF_8);
    int start = indexOfContaining(source, "README-SAMPLE-START");
    int end = indexOfContaining(source, "README-SAMPLE-END");
    assertThat(start).isGreaterThan(0);
    assertThat(end).isGreaterThan(start);
    int indent = source.get(start + 1).indexOf(source.get(start + 1).strip());
    String expected = source.subList(start + 1, end).stream()
        .map(l -> l.length() >= indent ? l.substring(indent) : l.strip())
        .collect(Collectors.joining("\n", "", "\n"));
    assertThat(block).isEqualTo(expected);
    assertThat(expected.lines().count()).isBetween(10L, 25L);
  }

  private static int indexOfContaining(List<String> lines, String marker) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(marker)) {
        return i;
      }
    }
    return -1;
  }
}
