package dev.llmops.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.examples.ReadmeTestAccess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java sample in {@code docs/} marked {@code <!-- sample: <file>#<name> -->} is the compiled,
 * tested code between {@code // sample-start <name>} and {@code // sample-end <name>} in that file
 * (a path from the repository root), with its indentation removed: a guide cannot show code that
 * does not compile or does not work.
 */
class DocSamplesTest {
  private static final Pattern MARKER = Pattern.compile("<!-- sample: ([^#\\s]+)#([\\w-]+) -->\\s*\\n```java\\n(.*?)```", Pattern.DOTALL);

  @Test
  void everyMarkedSampleIsItsCompiledSource() throws IOException {
    Path root = ReadmeTestAccess.root();
    List<String> checked = new ArrayList<>();
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        Matcher m = MARKER.matcher(Files.readString(doc, StandardCharsets.UTF_8));
        while (m.find()) {
          String expected = sample(root.resolve(m.group(1)), m.group(2));
          assertThat(m.group(3)).as(doc.getFileName() + ": sample " + m.group(2)).isEqualTo(expected);
          checked.add(doc.getFileName() + "#" + m.group(2));
        }
      }
    }
    assertThat(checked).as("samples checked").contains("testing.md#testkit-extension", "getting-started.md#first-call");
  }

  private static final Pattern IMPORTS = Pattern.compile("<!-- imports: (\\S+) -->\\s*\\n```java\\n(.*?)```", Pattern.DOTALL);

  /** An imports block lists imports the named source really has, so a copied sample compiles. */
  @Test
  void everyImportsBlockListsImportsOfItsSource() throws IOException {
    Path root = ReadmeTestAccess.root();
    Matcher m = IMPORTS.matcher(Files.readString(root.resolve("docs/getting-started.md"), StandardCharsets.UTF_8));
    assertThat(m.find()).as("an imports block in getting-started.md").isTrue();
    List<String> source = Files.readAllLines(root.resolve(m.group(1)), StandardCharsets.UTF_8);
    List<String> listed = m.group(2).lines().toList();
    assertThat(listed).hasSizeGreaterThan(10).allMatch(l -> l.startsWith("import "));
    assertThat(source).containsAll(listed);
  }

  static String sample(Path source, String name) throws IOException {
    List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
    int start = -1;
    int end = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals("// sample-start " + name)) {
        start = i;
      } else if (lines.get(i).strip().equals("// sample-end " + name)) {
        end = i;
      }
    }
    assertThat(start).as(source + ": sample-start " + name).isNotNegative();
    assertThat(end).as(source + ": sample-end " + name).isGreaterThan(start);
    int indent = lines.get(start).indexOf("//");
    return lines.subList(start + 1, end).stream()
        .map(l -> l.length() >= indent && l.substring(0, indent).isBlank() ? l.substring(indent) : l.strip())
        .collect(Collectors.joining("\n", "", "\n"));
  }
}
