package dev.llmops.core.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ConfigurationException;
import dev.llmops.api.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilePromptSourceTest {
  @TempDir Path dir;

  private void write(String relative, String content) throws IOException {
    Path p = dir.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content, StandardCharsets.UTF_8);
  }

  private void goodDirectory() throws IOException {
    write("support/v1.yaml", """
        # the first version
        model: fast
        parameters:
          temperature: 0.2
          maxOutputTokens: 300
          stopSequences: ["END"]
        metadata:
          author: ana
          ticket: 42
        messages:
          - role: system
            content: You help customers of {{company}}.
          - role: user
            content: "{{question}}"
        """);
    write("support/v2.json", """
        {"version": 2, "model": "smart",
         "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "{{question}}"}]}
        """);
    write("support/labels.yaml", "production: 1\nstaging: 2\n");
    write("greet/v1.yml", "messages:\n  - role: user\n    content: Hello {{who}}\n");
    write("README.md", "not a prompt");
    write("support/notes.txt", "ignored");
  }

  private ConfigurationException failure() {
    try {
      FilePromptSource.directory(dir);
    } catch (ConfigurationException e) {
      return e;
    }
    throw new AssertionError("expected the directory to be rejected");
  }

  @Test
  void readsVersionsAndLabelsInYamlAndJson() throws IOException {
    goodDirectory();

    FilePromptSource source = FilePromptSource.directory(dir);
    PromptDefinition support = source.load("support").orElseThrow();

    assertThat(source.names()).containsExactlyInAnyOrder("support", "greet");
    assertThat(support.labels()).isEqualTo(Map.of("production", 1, "staging", 2));
    PromptVersion v1 = support.version(1).orElseThrow();
    assertThat(v1.model()).isEqualTo("fast");
    assertThat(v1.parameters().temperature()).isEqualTo(0.2);
    assertThat(v1.parameters().maxOutputTokens()).isEqualTo(300);
    assertThat(v1.parameters().stopSequences()).containsExactly("END");
    assertThat(v1.metadata()).isEqualTo(Map.of("author", "ana", "ticket", "42"));
    assertThat(v1.render(Map.of("company", "Acme", "question", "Where?")).messages())
        .containsExactly(Message.system("You help customers of Acme."), Message.user("Where?"));
    assertThat(support.latest().model()).isEqualTo("smart");
    assertThat(source.load("greet").orElseThrow().labels()).isEmpty();
    assertThat(source.load("nope")).isEmpty();
  }

  @Test
  void readsAFolderOnTheClasspath() {
    FilePromptSource source = FilePromptSource.classpath("prompts-on-classpath");

    PromptDefinition greet = source.load("greet").orElseThrow();

    assertThat(greet.versions()).extracting(PromptVersion::version).containsExactly(1, 2);
    assertThat(greet.labels()).containsEntry("production", 1);
    assertThat(source.moveLabel("greet", "production", 2)).isFalse();
    assertThatThrownBy(() -> FilePromptSource.classpath("no-such-folder"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("classpath:no-such-folder");
  }

  @Test
  void malformedYamlNamesFileAndLine() throws IOException {
    goodDirectory();
    write("support/v3.yaml", "messages:\n  - role: user\n    content: \"unclosed\n  bad: [\n");

    ConfigurationException e = failure();

    assertThat(e.problems()).singleElement().asString()
        .contains("support/v3.yaml").contains("line ").contains("malformed YAML");
  }

  @Test
  void malformedJsonNamesFileAndLine() throws IOException {
    goodDirectory();
    write("support/v3.json", "{\n  \"messages\": [\n    {\"role\": \"user\" \"content\": \"x\"}\n]}");

    assertThat(failure().problems()).singleElement().asString()
        .contains("support/v3.json").contains("line 3").contains("malformed JSON");
  }

  @Test
  void duplicateVersionsNameBothFiles() throws IOException {
    goodDirectory();
    write("support/v1.json", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}");

    assertThat(failure().problems()).singleElement().asString()
        .contains("duplicate version 1").contains("support/v1.json").contains("support/v1.yaml");
  }

  @Test
  void duplicateKeyInAFileIsRejected() throws IOException {
    goodDirectory();
    write("greet/v2.yaml", "model: a\nmodel: b\nmessages:\n  - role: user\n    content: x\n");

    assertThat(failure().problems()).singleElement().asString()
        .contains("greet/v2.yaml").contains("line 2").contains("model");
  }

  @Test
  void labelPointingAtMissingVersionNamesLabelsFileAndKey() throws IOException {
    goodDirectory();
    write("support/labels.yaml", "production: 1\ncanary: 7\n");

    assertThat(failure().problems()).singleElement().asString()
        .contains("support/labels.yaml").contains("canary").contains("version 7").contains("[1, 2]");
  }

  @Test
  void templateSyntaxErrorNamesFileKeyAndLine() throws IOException {
    goodDirectory();
    write("greet/v2.yaml", "messages:\n  - role: user\n    content: \"Hi\\n{{#who}} oops\"\n");

    assertThat(failure().problems()).singleElement().asString()
        .contains("greet/v2.yaml").contains("messages[0].content").contains("template syntax error").contains(":2]");
  }

  @Test
  void everyKindOfBadValueIsReportedTogether() throws IOException {
    goodDirectory();
    write("support/v3.yaml", """
        version: 4
        model: ""
        colour: blue
        parameters:
          temperature: hot
          seed: 1.5
          topK: 3
        metadata:
          nested: {a: 1}
        messages:
          - role: tool
            content: x
          - role: user
            content: [1]
            extra: y
        """);
    write("support/labels.json", "{\"latest\": 1}");
    write("greet/v0.yaml", "messages: []\n");
    write("greet/prompt.yaml", "messages: []\n");
    write("bad name/v1.yaml", "messages: []\n");
    write("empty/v1.yaml", "");
    write("list/v1.yaml", "- a\n- b\n");
    write("labels-only/labels.yaml", "production: 1\n");

    List<String> problems = failure().problems();

    assertThat(problems).anySatisfy(p -> assertThat(p).contains("support/v3.yaml: version:").contains("file name says 3"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("support/v3.yaml: model:"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("support/v3.yaml: colour: unknown key"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("parameters.temperature: must be a number"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("parameters.seed: must be a whole number"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("parameters.topK: unknown key"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("metadata.nested"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("messages[0].role: must be system, user or assistant"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("messages[1].content: must be text"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("messages[1].extra: unknown key"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("support/labels.json").contains("a second labels file"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("greet/v0.yaml").contains("start at 1"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("greet/prompt.yaml: not a version file"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("bad name").contains("prompt name"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("empty/v1.yaml: the file is empty"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("list/v1.yaml: the top level must be a mapping"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("labels-only: no version files"));
  }

  @Test
  void labelsFileRejectsLatestAndNonNumbers() throws IOException {
    write("p/v1.yaml", "messages:\n  - role: user\n    content: x\n");
    write("p/labels.yaml", "latest: 1\nstaging: two\n");

    assertThat(failure().problems()).anySatisfy(p -> assertThat(p).contains("p/labels.yaml: latest").contains("implicit"))
        .anySatisfy(p -> assertThat(p).contains("p/labels.yaml: staging: must be a version number"));
  }

  /** A prompt file somewhere else on the disk, as a secret or another application's file would be. */
  private static Path fileOutside(Path elsewhere) throws IOException {
    Path secret = elsewhere.resolve("v9.yaml");
    Files.writeString(secret, "messages:\n  - role: system\n    content: the secret\n", StandardCharsets.UTF_8);
    return secret;
  }

  @Test
  void aVersionFileLinkedToAFileOutsideTheDirectoryIsRefusedByName(@TempDir Path elsewhere) throws IOException {
    goodDirectory();
    Files.createSymbolicLink(dir.resolve("support/v9.yaml"), fileOutside(elsewhere));

    assertThat(failure().problems()).containsExactly(
        dir + "/support/v9.yaml: is a symbolic link to a file outside the prompt directory; refused");
  }

  @Test
  void aPromptFolderLinkedOutsideTheDirectoryIsRefused(@TempDir Path elsewhere) throws IOException {
    goodDirectory();
    fileOutside(elsewhere);
    Files.createSymbolicLink(dir.resolve("stolen"), elsewhere);

    assertThat(failure().problems()).singleElement().asString()
        .startsWith(dir + "/stolen: is a symbolic link");
  }

  @Test
  void aLinkThatStaysInsideTheDirectoryIsServed() throws IOException {
    goodDirectory();
    Files.createSymbolicLink(dir.resolve("support/v3.yaml"), dir.resolve("greet/v1.yml"));

    PromptDefinition support = FilePromptSource.directory(dir).load("support").orElseThrow();
    assertThat(support.version(3)).isPresent();
  }

  @Test
  void aLinkAddedLaterFailsTheReloadNamingIt(@TempDir Path elsewhere) throws IOException {
    goodDirectory();
    FilePromptSource source = FilePromptSource.directory(dir);
    Files.createSymbolicLink(dir.resolve("support/v9.yaml"), fileOutside(elsewhere));

    assertThatThrownBy(() -> source.load("support"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("support/v9.yaml: is a symbolic link");
  }

  @Test
  void notADirectoryIsRejected() {
    assertThatThrownBy(() -> FilePromptSource.directory(dir.resolve("missing")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("not a directory");
  }

  @Test
  void picksUpEditsAndNeverHalfAppliesABrokenDirectory() throws IOException {
    goodDirectory();
    FilePromptSource source = FilePromptSource.directory(dir);
    PromptVersion before = source.load("greet").orElseThrow().latest();

    write("greet/v2.yaml", "messages:\n  - role: user\n    content: Hey {{who}}\n");
    assertThat(source.load("greet").orElseThrow().latest().version()).isEqualTo(2);
    assertThat(source.load("greet").orElseThrow().version(1).orElseThrow()).isEqualTo(before);

    // One good edit and one broken file: neither is applied.
    write("greet/v3.yaml", "messages:\n  - role: user\n    content: Yo {{who}}\n");
    write("support/labels.yaml", "production: 9\n");
    assertThatThrownBy(() -> source.load("greet")).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("support/labels.yaml");
    write("support/labels.yaml", "production: 1\n");
    assertThat(source.load("greet").orElseThrow().latest().version()).isEqualTo(3);
  }

  @Test
  void labelMoveRewritesTheLabelsFileAtomically() throws IOException {
    goodDirectory();
    FilePromptSource source = FilePromptSource.directory(dir);

    assertThat(source.moveLabel("support", "production", 2)).isTrue();
    assertThat(source.moveLabel("greet", "production", 1)).isTrue();

    assertThat(Files.readString(dir.resolve("support/labels.yaml"))).contains("production: 2").contains("staging: 2");
    assertThat(Files.readString(dir.resolve("greet/labels.yaml"))).contains("production: 1");
    try (Stream<Path> files = Files.list(dir.resolve("support"))) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
    assertThat(FilePromptSource.directory(dir).load("support").orElseThrow().labels()).containsEntry("production", 2);
    assertThatThrownBy(() -> source.moveLabel("support", "production", 9))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("no version 9");
  }

  @Test
  void registryKeepsServingTheLastGoodDirectory() throws IOException {
    goodDirectory();
    PromptRegistry registry = PromptRegistry.builder()
        .source(FilePromptSource.directory(dir))
        .clock(Clock.systemUTC())
        .timeToLive(Duration.ofDays(1))
        .executor(Runnable::run)
        .build();
    assertThat(registry.resolve("support").version()).isEqualTo(1);

    write("support/labels.yaml", "production: 2\n");
    write("greet/v2.yaml", "messages: [");
    registry.refresh();
    assertThat(registry.resolve("support").version()).isEqualTo(1);

    write("greet/v2.yaml", "messages:\n  - role: user\n    content: Hey\n");
    registry.refresh();
    assertThat(registry.resolve("support").version()).isEqualTo(2);
  }
}
