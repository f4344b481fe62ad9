package dev.llmops.core.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.mustachejava.Mustache;
import dev.llmops.api.Message;
import dev.llmops.api.Role;
import dev.llmops.api.TemplateVariableMissingException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The plain-template fast path renders exactly what mustache.java renders. */
class PlainTemplatePropertyTest {

  @Provide
  Arbitrary<String> templates() {
    return Arbitraries.of(
            "Hello ", "{{a}}", "{{b}}", "{{{a}}}", "{{& b}}", "\n", "  ", "\r\n", "é ü 你好 ", "{{! note }}",
            "{{#c}}[{{a}}]{{/c}}", "{{^c}}none{{/c}}", "{{n.x}}", "{{=<% %>=}}", "<%a%>", "{{n}}", "}} {",
            "{", "\t{{a}}\n")
        .list()
        .ofMaxSize(12)
        .map(parts -> String.join("", parts));
  }

  @Provide
  Arbitrary<Object> values() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(12),
        Arbitraries.strings().withChars("aé€😀\n{}").ofMaxLength(6),
        Arbitraries.integers(),
        Arbitraries.longs(),
        Arbitraries.of(true, false),
        Arbitraries.of(new BigDecimal("1.50"), 2.5d, 'x', Optional.of("opt"), List.of("l1", "l2")));
  }

  /** Whatever the template and values, the version renders what mustache.java renders, or fails alike. */
  @Property(tries = 2000)
  void rendersLikeMustache(
      @ForAll("templates") String template,
      @ForAll("values") Object a,
      @ForAll("values") Object b,
      @ForAll boolean c,
      @ForAll boolean withB) {
    Mustache compiled;
    try {
      compiled = Templates.compile(template, "t");
    } catch (IllegalArgumentException e) {
      return; // not a valid template (an unbalanced delimiter change, say)
    }
    Map<String, Object> vars = new HashMap<>();
    vars.put("a", a);
    if (withB) {
      vars.put("b", b);
    }
    vars.put("c", c);
    vars.put("n", Map.of("x", "nested"));
    StringWriter expected = new StringWriter();
    String missing = Templates.render(compiled, vars, expected);

    PromptVersion version = PromptVersion.builder("p", 1).user(template).build();
    if (missing != null) {
      assertThatThrownBy(() -> version.render(vars))
          .isInstanceOf(TemplateVariableMissingException.class)
          .hasMessageContaining(missing);
      return;
    }
    assertThat(version.render(vars).messages()).containsExactly(Message.user(expected.toString()));
  }

  /** Text and top-level values take the fast path; anything else does not. */
  @Test
  void onlyTextAndTopLevelValuesArePlain() {
    assertThat(PlainTemplate.of(Templates.compile("Hi {{a}}, {{{b}}} and {{&a}}!\n", "t"), Role.USER)).isNotNull();
    assertThat(PlainTemplate.of(Templates.compile("no variables at all", "t"), Role.USER)).isNotNull();
    assertThat(PlainTemplate.of(Templates.compile("{{#l}}x{{/l}}", "t"), Role.USER)).isNull();
    assertThat(PlainTemplate.of(Templates.compile("{{a.b}}", "t"), Role.USER)).isNull();
    assertThat(PlainTemplate.of(Templates.compile("{{! c }}x", "t"), Role.USER)).isNull();
  }

  /** A message without variables is rendered once and shared; one with variables is rendered per call. */
  @Test
  void constantMessagesAreShared() {
    PromptVersion v = PromptVersion.builder("p", 1).system("Be brief.").user("Q: {{q}}").build();
    PromptVersion.Rendered one = v.render(Map.of("q", "1"));
    PromptVersion.Rendered two = v.render(Map.of("q", "2"));
    assertThat(one.messages().get(0)).isSameAs(two.messages().get(0));
    assertThat(one.messages().get(1).content()).isEqualTo("Q: 1");
    assertThat(two.messages().get(1).content()).isEqualTo("Q: 2");
    assertThat(v.render(Map.of("q", "1", "extra", 1)).unusedVariables()).containsExactly("extra");
  }
}
