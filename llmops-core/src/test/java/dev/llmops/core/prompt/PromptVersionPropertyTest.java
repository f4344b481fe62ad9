package dev.llmops.core.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.GenerationParameters;
import dev.llmops.api.Role;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

class PromptVersionPropertyTest {

  /** The content that goes into the hash, drawn from small alphabets so that equal pairs occur. */
  record Content(List<PromptVersion.MessageTemplate> messages, @Nullable String model, @Nullable Double temperature,
      @Nullable Integer maxOutputTokens, List<String> stops) {

    PromptVersion build(String name, int version, String author) {
      PromptVersion.Builder b = PromptVersion.builder(name, version).model(model)
          .parameters(GenerationParameters.builder().temperature(temperature).maxOutputTokens(maxOutputTokens)
              .stopSequences(stops).build())
          .metadata("author", author);
      messages.forEach(m -> b.message(m.role(), m.template()));
      return b.build();
    }
  }

  @Provide
  Arbitrary<Content> contents() {
    Arbitrary<PromptVersion.MessageTemplate> message = Combinators.combine(
            Arbitraries.of(Role.SYSTEM, Role.USER, Role.ASSISTANT),
            Arbitraries.of("Hi {{a}}", "Hi {{b}}", "{{#l}}[{{.}}]{{/l}}", "plain", "é \"q\" & <x>"))
        .as(PromptVersion.MessageTemplate::new);
    return Combinators.combine(
            message.list().ofMinSize(1).ofMaxSize(3),
            Arbitraries.of("fast", "smart").injectNull(0.3),
            Arbitraries.of(0.0, 0.5, 1.0, 2.0).injectNull(0.3),
            Arbitraries.of(16, 256).injectNull(0.3),
            Arbitraries.of("END", "\n").list().ofMaxSize(1))
        .as(Content::new);
  }

  /** Equal content, told apart by value (0.5 and 0.50 are one temperature). */
  private static boolean sameContent(Content x, Content y) {
    return x.equals(y);
  }

  @Property(tries = 300)
  void contentHashChangesIffCanonicalContentChanges(
      @ForAll("contents") Content x, @ForAll("contents") Content y) {
    PromptVersion a = x.build("p", 1, "ana");
    PromptVersion b = y.build("q", 2, "bo");

    assertThat(a.contentHash().equals(b.contentHash())).isEqualTo(sameContent(x, y));
    assertThat(a.contentHash().equals(b.contentHash())).isEqualTo(a.canonicalForm().equals(b.canonicalForm()));
  }

  @Property(tries = 200)
  void renderingIsDeterministic(
      @ForAll("contents") Content x,
      @ForAll("values") String a,
      @ForAll("values") String b,
      @ForAll List<@net.jqwik.api.constraints.StringLength(max = 3) String> l) {
    Map<String, Object> variables = Map.of("a", a, "b", b, "l", l);
    PromptVersion first = x.build("p", 1, "ana");
    PromptVersion second = x.build("p", 1, "ana");

    PromptVersion.Rendered once = first.render(variables);

    assertThat(first.render(variables)).isEqualTo(once);
    assertThat(second.render(Map.of("l", l, "b", b, "a", a)).messages()).isEqualTo(once.messages());
    assertThat(once.messages()).hasSameSizeAs(x.messages());
  }

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.strings().withChars("ab<&\"{} \n").ofMaxLength(8);
  }
}
