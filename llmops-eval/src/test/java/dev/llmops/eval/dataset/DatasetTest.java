package dev.llmops.eval.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {
  @TempDir Path dir;

  private static final String JSONL = """
      {"id":"a","variables":{"question":"Hi?","n":3},"reference":"Hello","tags":["greet","critical"]}

      {"id":"b","messages":[{"role":"user","content":"Bye"}],"metadata":{"must":["bye"]},"human":"pass"}
      """;

  private static final String YAML = """
      # the same two cases, written otherwise
      name: mixed
      cases:
        - id: a
          tags: [greet, critical]
          reference: Hello
          variables: {n: 3, question: "Hi?"}
        - human: pass
          id: b
          metadata:
            must: [bye]
          messages:
            - {content: Bye, role: user}
      """;

  @Test
  void jsonlAndYamlOfTheSameCasesHaveTheSameVersion() throws Exception {
    Path jsonl = Files.writeString(dir.resolve("mixed.jsonl"), JSONL);
    Path yaml = Files.writeString(dir.resolve("other-name.yaml"), YAML);
    Dataset a = Dataset.load(jsonl);
    Dataset b = Dataset.load(yaml);
    assertThat(a.name()).isEqualTo("mixed");
    assertThat(b.name()).isEqualTo("mixed"); // the document's name wins over the file's
    assertThat(a.size()).isEqualTo(2);
    assertThat(a.version()).isEqualTo(b.version()).matches("[0-9a-f]{16}");
    assertThat(a.id()).isEqualTo("mixed@" + a.version());
    List<EvalCase> cases;
    try (Stream<EvalCase> s = a.cases()) {
      cases = s.toList();
    }
    assertThat(cases.get(0).variables()).containsEntry("n", 3L).containsEntry("question", "Hi?");
    assertThat(cases.get(0).hasTag("critical")).isTrue();
    assertThat(cases.get(1).messages().get(0).role()).isEqualTo(Role.USER);
    assertThat(cases.get(1).metadataTexts("must")).containsExactly("bye");
    assertThat(cases.get(1).humanLabel()).isEqualTo("pass");
    assertThat(Dataset.of("mixed", cases).version()).isEqualTo(a.version());
  }

  @Test
  void malformedFilesFailNamingFileLineAndField() throws Exception {
    assertProblem("bad.jsonl", "{\"id\":\"a\",\"variables\":{\"q\":\"x\"}}\n{\"id\":\"b\",\"tags\":\"x\",\"variables\":{}}\n",
        2, "tags", "must be a list of strings");
    assertProblem("bad2.jsonl", "{\"id\":\"a\",\"variabels\":{\"q\":\"x\"}}\n", 1, "variabels", "unknown field; allowed:");
    assertProblem("bad3.jsonl", "{\"id\":\"a\",\"variables\":{\"q\":\"x\"}}\n{\"id\":\"a\",\"variables\":{\"q\":\"y\"}}\n",
        2, "id", "repeats the id 'a' of line 1");
    assertProblem("bad4.jsonl", "{\"id\":\"a\",\"variables\":{\"q\":\"x\"}\n", 1, null, "not valid JSON");
    assertProblem("bad5.yaml", "cases:\n  - id: a\n    variables: {q: x}\n  - variables: {q: y}\n", 4, "cases[1].id",
        "missing: every case needs an id");
    assertProblem("bad6.yaml", "cases:\n  - id: a\n    messages:\n      - {role: robot, content: x}\n", 3,
        "cases[0].messages[0].role", "unknown role 'robot'");
    assertProblem("bad7.yaml", "cases:\n  - id: a\n    variables: {q: null}\n", 3, "cases[0].variables.q", "must not be null");
  }

  private void assertProblem(String name, String text, int line, String field, String problem) throws Exception {
    Path file = Files.writeString(dir.resolve(name), text);
    assertThatThrownBy(() -> Dataset.load(file))
        .isInstanceOfSatisfying(DatasetFormatException.class, e -> {
          assertThat(e.file()).isEqualTo(file.toString());
          assertThat(e.line()).isEqualTo(line);
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.getMessage()).contains(file + ":" + line).contains(problem);
        });
  }

  @Test
  void aJsonlFileChangedWhileInUseIsNoticed() throws Exception {
    Path file = Files.writeString(dir.resolve("live.jsonl"), JSONL);
    Dataset d = Dataset.load(file);
    Files.writeString(file, JSONL.replace("Hello", "Hallo"));
    assertThatThrownBy(() -> {
      try (Stream<EvalCase> s = d.cases()) {
        s.forEach(c -> { });
      }
    }).isInstanceOf(IllegalStateException.class).hasMessageContaining("changed while in use");
  }

  /** Any change to any case changes the version; the same cases always give the same one. */
  @Property(tries = 200)
  void theVersionIsAFunctionOfTheContent(
      @ForAll @AlphaChars @StringLength(min = 1, max = 8) String id,
      @ForAll @StringLength(max = 20) String question,
      @ForAll @StringLength(max = 20) String reference,
      @ForAll @AlphaChars @StringLength(min = 1, max = 6) String tag) {
    EvalCase c = EvalCase.builder(id).variable("question", question).reference(reference).tags(tag).build();
    String v = Dataset.of("d", List.of(c)).version();
    assertThat(Dataset.of("d", List.of(EvalCase.builder(id).variable("question", question).reference(reference)
        .tags(tag).build())).version()).isEqualTo(v);
    assertThat(Dataset.of("d", List.of(EvalCase.builder(id).variable("question", question + "!").reference(reference)
        .tags(tag).build())).version()).isNotEqualTo(v);
    assertThat(Dataset.of("d", List.of(EvalCase.builder(id).variable("question", question).reference(reference + ".")
        .tags(tag).build())).version()).isNotEqualTo(v);
    assertThat(Dataset.of("d", List.of(EvalCase.builder(id).variable("question", question).reference(reference)
        .tags(tag, tag + "x").build())).version()).isNotEqualTo(v);
    assertThat(Dataset.of("d", List.of(EvalCase.builder(id + "x").variable("question", question).reference(reference)
        .tags(tag).build())).version()).isNotEqualTo(v);
  }
}
