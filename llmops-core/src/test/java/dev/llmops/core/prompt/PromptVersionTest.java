package dev.llmops.core.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ConfigurationException;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.Message;
import dev.llmops.api.PromptRef;
import dev.llmops.api.TemplateVariableMissingException;
import dev.llmops.core.InThreads;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptVersionTest {

  private static PromptVersion version(String... userTemplates) {
    PromptVersion.Builder b = PromptVersion.builder("support", 3);
    for (String t : userTemplates) {
      b.user(t);
    }
    return b.build();
  }

  @Test
  void rendersVariablesSectionsAndPathsWithoutHtmlEscaping() {
    PromptVersion v = PromptVersion.builder("support", 3)
        .system("You answer for {{company.name}} & co.")
        .user("Q: {{question}}{{#items}} [{{.}}]{{/items}}{{^vip}} (standard){{/vip}}")
        .build();

    PromptVersion.Rendered r = v.render(Map.of(
        "company", Map.of("name", "<Acme>"),
        "question", "is 1 < 2 && \"yes\"?",
        "items", List.of("a", "b"),
        "vip", false));

    assertThat(r.messages()).containsExactly(
        Message.system("You answer for <Acme> & co."),
        Message.user("Q: is 1 < 2 && \"yes\"? [a] [b] (standard)"));
    assertThat(r.unusedVariables()).isEmpty();
    assertThat(r.version()).isSameAs(v);
  }

  @Test
  void missingVariableNamesPromptVersionAndVariable() {
    PromptVersion v = version("Hello {{who}}, about {{topic}}");

    assertThatThrownBy(() -> v.render(Map.of("who", "Ana")))
        .isInstanceOfSatisfying(TemplateVariableMissingException.class, e -> {
          assertThat(e.promptName()).isEqualTo("support");
          assertThat(e.promptVersion()).isEqualTo(3);
          assertThat(e.variable()).isEqualTo("topic");
        });
  }

  @Test
  void missingPathSegmentAndMissingSectionAreMissingToo() {
    assertThatThrownBy(() -> version("{{user.name}}").render(Map.of("user", Map.of("id", 1))))
        .isInstanceOfSatisfying(TemplateVariableMissingException.class,
            e -> assertThat(e.variable()).isEqualTo("user.name"));
    assertThatThrownBy(() -> version("{{#items}}x{{/items}}").render(Map.of()))
        .isInstanceOfSatisfying(TemplateVariableMissingException.class,
            e -> assertThat(e.variable()).isEqualTo("items"));
  }

  @Test
  void namesInsideSectionsResolveInTheItemThenOutside() {
    PromptVersion v = version("{{#people}}{{name}} of {{team}};{{/people}}");

    PromptVersion.Rendered r = v.render(Map.of(
        "people", List.of(Map.of("name", "Ana"), Map.of("name", "Bo", "team", "red")), "team", "blue"));

    assertThat(r.messages().get(0).content()).isEqualTo("Ana of blue;Bo of red;");
  }

  @Test
  void reportsUnusedVariables() {
    PromptVersion.Rendered r = version("Hi {{who}}").render(Map.of("who", "Ana", "qestion", "typo", "extra", 1));

    assertThat(r.unusedVariables()).containsExactlyInAnyOrder("qestion", "extra");
    assertThat(version("Hi {{who}}").variables()).containsExactly("who");
  }

  @Test
  void aMapChangedBetweenRendersIsRenderedWithItsNewValues() {
    PromptVersion v = PromptVersion.builder("support", 1).system("You help {{company}} in a {{tone}} tone.").build();
    Map<String, Object> vars = new HashMap<>(Map.of("company", "Acme", "tone", "warm"));
    for (int i = 0; i < 5; i++) {
      assertThat(v.render(vars).messages().get(0).content()).isEqualTo("You help Acme in a warm tone.");
    }
    vars.put("company", "Globex");
    vars.put("extra", 2);

    PromptVersion.Rendered changed = v.render(vars);

    assertThat(changed.messages().get(0).content()).isEqualTo("You help Globex in a warm tone.");
    assertThat(changed.unusedVariables()).containsExactly("extra");
  }

  @Test
  void variablesAddedToAReferenceRenderWithTheAddedValues() {
    PromptVersion v = PromptVersion.builder("support", 1).system("You help {{company}}.").user("Ticket {{ticket}}").build();
    PromptRef shared = new PromptRef("support", null, null, Map.of("company", "Acme", "ticket", 0L, "typo", 1));

    PromptVersion.Rendered ticket = v.render(shared.withVariable("ticket", 7L).variables());
    PromptVersion.Rendered other = v.render(shared.withVariable("company", "Globex").withVariable("other", true).variables());

    assertThat(ticket.messages()).containsExactly(Message.system("You help Acme."), Message.user("Ticket 7"));
    assertThat(ticket.unusedVariables()).containsExactly("typo");
    assertThat(other.messages()).containsExactly(Message.system("You help Globex."), Message.user("Ticket 0"));
    assertThat(other.unusedVariables()).containsExactlyInAnyOrder("typo", "other");
  }

  @Test
  void syntaxErrorNamesPromptVersionMessageAndLine() {
    assertThatThrownBy(() -> PromptVersion.builder("support", 2).system("fine").user("line one\n{{#open}} never closed").build())
        .isInstanceOfSatisfying(ConfigurationException.class, e -> {
          assertThat(e.problems()).hasSize(1);
          assertThat(e.problems().get(0))
              .contains("prompt 'support' version 2")
              .contains("messages[1].content")
              .contains("template syntax error")
              .contains("open")
              .contains(":2]");
        });
  }

  @Test
  void partialsAreRejected() {
    assertThatThrownBy(() -> version("{{> other}}"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("partials");
  }

  @Test
  void builderValidatesAtOnce() {
    assertThatThrownBy(() -> PromptVersion.builder("bad name", 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad name");
    assertThatThrownBy(() -> PromptVersion.builder("ok", 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(">= 1");
    assertThatThrownBy(() -> PromptVersion.builder("ok", 1).build()).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("messages");
    assertThatThrownBy(() -> PromptVersion.builder("ok", 1).model(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void contentHashCoversMessagesModelAndParametersButNotNameVersionOrMetadata() {
    PromptVersion a = PromptVersion.builder("a", 1).user("Hi {{x}}").model("fast")
        .parameters(GenerationParameters.builder().temperature(0.2).build()).metadata("author", "ana").build();
    PromptVersion sameContent = PromptVersion.builder("b", 7).user("Hi {{x}}").model("fast")
        .parameters(GenerationParameters.builder().temperature(0.20).build()).metadata("author", "bo").build();
    PromptVersion otherModel = PromptVersion.builder("a", 1).user("Hi {{x}}").model("smart")
        .parameters(GenerationParameters.builder().temperature(0.2).build()).build();
    PromptVersion otherRole = PromptVersion.builder("a", 1).system("Hi {{x}}").model("fast")
        .parameters(GenerationParameters.builder().temperature(0.2).build()).build();

    assertThat(a.contentHash()).hasSize(64).isEqualTo(sameContent.contentHash());
    assertThat(a.contentHash()).isNotEqualTo(otherModel.contentHash()).isNotEqualTo(otherRole.contentHash());
    assertThat(a.canonicalForm())
        .isEqualTo("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi {{x}}\"}],\"model\":\"fast\","
            + "\"parameters\":{\"temperature\":0.2}}");
    assertThat(a.toString()).doesNotContain("Hi");
  }

  @Test
  void fingerprintsOfAlternatingVariantsAreReusedAndTheOldestMakesRoom() {
    PromptVersion v = PromptVersion.builder("p", 1).user("Hi").build();
    GenerationParameters sent = GenerationParameters.builder().temperature(0.0).build();
    String h = Fingerprint.hashParameters(sent);
    Fingerprint a = v.fingerprint("a", sent, "exp", "control");
    Fingerprint b = v.fingerprint("b", sent, "exp", "candidate");

    for (int i = 0; i < 3; i++) {
      assertThat(v.fingerprint("a", sent, "exp", "control")).isSameAs(a);
      assertThat(v.fingerprint("b", sent, "exp", "candidate")).isSameAs(b);
    }
    assertThat(a).isEqualTo(new Fingerprint("p", 1, v.contentHash(), "a", h, "exp", "control"));
    assertThat(v.fingerprint(null, GenerationParameters.DEFAULTS, null, null))
        .isEqualTo(new Fingerprint("p", 1, v.contentHash(), null, v.parametersHash(), null, null));
    GenerationParameters other = GenerationParameters.builder().temperature(0.5).build();
    assertThat(v.fingerprint("a", other, "exp", "control")).isNotSameAs(a)
        .isEqualTo(new Fingerprint("p", 1, v.contentHash(), "a", Fingerprint.hashParameters(other), "exp", "control"));
    // Equal parameters built anew are the same inputs.
    assertThat(v.fingerprint("a", GenerationParameters.builder().temperature(0.0).build(), "exp", "control")).isSameAs(a);
    v.fingerprint("c", sent, null, null); // the fifth distinct one
    assertThat(v.fingerprint("b", sent, "exp", "candidate")).isSameAs(b);
    assertThat(v.fingerprint("a", sent, "exp", "control")).isNotSameAs(a).isEqualTo(a);
  }

  @Test
  void concurrentFingerprintsAreThoseOfTheirOwnInputs() throws Exception {
    PromptVersion v = PromptVersion.builder("p", 1).user("Hi").build();
    List<GenerationParameters> sent = List.of(GenerationParameters.DEFAULTS,
        GenerationParameters.builder().temperature(0.0).build(), GenerationParameters.builder().temperature(0.5).build(),
        GenerationParameters.builder().maxOutputTokens(10).build());
    Map<GenerationParameters, String> hashes = new HashMap<>();
    sent.forEach(p -> hashes.put(p, Fingerprint.hashParameters(p)));
    List<String> models = List.of("a", "b", "c");

    InThreads.run(4, thread -> {
      for (int i = 0; i < 2000; i++) {
        GenerationParameters p = sent.get((i + thread) % sent.size());
        String model = models.get((i / 3 + thread) % models.size());
        String variant = i % 2 == 0 ? "control" : "candidate";
        assertThat(v.fingerprint(model, p, "exp", variant))
            .isEqualTo(new Fingerprint("p", 1, v.contentHash(), model, hashes.get(p), "exp", variant));
      }
    });
  }

  @Test
  void theParametersHashIsThatOfTheVersionsParameters() {
    GenerationParameters p = GenerationParameters.builder().temperature(0.3).maxOutputTokens(64).build();
    PromptVersion v = PromptVersion.builder("p", 1).user("Hi").parameters(p).build();

    assertThat(v.parametersHash()).isEqualTo(Fingerprint.hashParameters(p));
    assertThat(v.fingerprint(null, p, null, null).parametersHash()).isEqualTo(v.parametersHash());
  }
}
