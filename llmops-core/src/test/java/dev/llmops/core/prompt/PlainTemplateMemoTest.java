package dev.llmops.core.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.Message;
import dev.llmops.api.Role;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The memo of {@link PlainTemplate}: what a remembered render returns, and that it is always right. */
class PlainTemplateMemoTest {
  private static final String TEMPLATE = "Hi {{a}}, from {{b}} about {{c}}; {{a}} again.";

  private static PlainTemplate plain(String template) {
    return Objects.requireNonNull(PlainTemplate.of(Templates.compile(template, "t"), Role.SYSTEM));
  }

  private static Message render(PlainTemplate p, Map<String, ?> variables) {
    return Objects.requireNonNull(p.render(variables));
  }

  /** What mustache.java renders, without any memo. */
  private static String mustache(String template, Map<String, Object> variables) {
    StringWriter out = new StringWriter();
    assertThat(Templates.render(Templates.compile(template, "t"), variables, out)).isNull();
    return out.toString();
  }

  @Test
  void aValueSetThatMissedTwiceIsRememberedAndItsMessageReturnedAsItIs() {
    PlainTemplate p = plain(TEMPLATE);
    Map<String, Object> vars = Map.of("a", "Ana", "b", "Acme", "c", "parcels");

    Message first = render(p, vars);
    Message second = render(p, new HashMap<>(vars));
    // Equal values in other instances: compared by value.
    Message third = render(p, Map.of("a", new String("Ana"), "b", new String("Acme"), "c", "parcels", "x", 1));

    assertThat(second).isNotSameAs(first).isEqualTo(first);
    assertThat(third).isSameAs(second);
    assertThat(third).isEqualTo(Message.of(Role.SYSTEM, "Hi Ana, from Acme about parcels; Ana again."));
  }

  @Test
  void aChangedValueRendersAnewAndTheRememberedSetStays() {
    PlainTemplate p = plain(TEMPLATE);
    Map<String, Object> vars = Map.of("a", "Ana", "b", "Acme", "c", "parcels");
    render(p, vars);
    Message remembered = render(p, vars);

    Message lastChanged = render(p, Map.of("a", "Ana", "b", "Acme", "c", "refunds"));
    Message firstChanged = render(p, Map.of("a", "Bo", "b", "Acme", "c", "parcels"));
    Message middleChanged = render(p, Map.of("a", "Ana", "b", "Beta", "c", "parcels"));

    assertThat(lastChanged.content()).isEqualTo("Hi Ana, from Acme about refunds; Ana again.");
    assertThat(firstChanged.content()).isEqualTo("Hi Bo, from Acme about parcels; Bo again.");
    assertThat(middleChanged.content()).isEqualTo("Hi Ana, from Beta about parcels; Ana again.");
    assertThat(render(p, vars)).isSameAs(remembered);
  }

  @Test
  void severalValueSetsCoexistAndTheOldestMakesRoom() {
    PlainTemplate p = plain(TEMPLATE);
    List<Map<String, Object>> sets = new ArrayList<>();
    List<Message> remembered = new ArrayList<>();
    for (int i = 0; i <= PlainTemplate.MEMO_SIZE; i++) {
      Map<String, Object> set = Map.of("a", "tenant-" + i, "b", "Acme", "c", i);
      sets.add(set);
      render(p, set);
      remembered.add(render(p, set));
    }

    // The newest MEMO_SIZE sets, in any order, come back as remembered; the first was pushed out.
    for (int round = 0; round < 3; round++) {
      for (int i = PlainTemplate.MEMO_SIZE; i >= 1; i--) {
        assertThat(render(p, sets.get(i))).isSameAs(remembered.get(i));
      }
    }
    Message again = render(p, sets.get(0));
    assertThat(again).isNotSameAs(remembered.get(0)).isEqualTo(remembered.get(0));
  }

  @Test
  void aMessageThatKeepsMissingStillNoticesASetThatStartsToRepeat() {
    PlainTemplate p = plain("Ticket {{t}} for {{who}}");
    for (long t = 0; t < 1000; t++) {
      assertThat(render(p, Map.of("t", t, "who", "Ana")).content()).isEqualTo("Ticket " + t + " for Ana");
    }
    Map<String, Object> repeated = Map.of("t", 7, "who", "Bo");
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      out.add(render(p, repeated));
    }

    assertThat(out).allSatisfy(m -> assertThat(m.content()).isEqualTo("Ticket 7 for Bo"));
    // Remembered within a few sampled calls, then every call gets the remembered instance.
    assertThat(out.get(399)).isSameAs(out.get(398)).isSameAs(out.get(300));
  }

  @Test
  void valuesThatPrintAlikeShareARender() {
    PlainTemplate p = plain("n={{n}} f={{f}} c={{c}}");
    render(p, Map.of("n", 1, "f", true, "c", 'x'));
    Message remembered = render(p, Map.of("n", 1, "f", true, "c", 'x'));

    assertThat(render(p, Map.of("n", 1L, "f", "true", "c", "x"))).isSameAs(remembered);
    assertThat(render(p, Map.of("n", (short) 1, "f", true, "c", 'x'))).isSameAs(remembered);
    assertThat(render(p, Map.of("n", -1, "f", true, "c", 'x')).content()).isEqualTo("n=-1 f=true c=x");
    assertThat(render(p, Map.of("n", 11, "f", true, "c", 'x')).content()).isEqualTo("n=11 f=true c=x");
    assertThat(render(p, Map.of("n", 1, "f", false, "c", 'x')).content()).isEqualTo("n=1 f=false c=x");
  }

  @Test
  void decimalsAreRenderedEachTimeAndAsTheyPrint() {
    PlainTemplate p = plain("{{x}}");
    Message a = render(p, Map.of("x", new BigDecimal("1.50")));
    Message b = render(p, Map.of("x", new BigDecimal("1.50")));
    Message c = render(p, Map.of("x", new BigDecimal("1.50")));

    assertThat(c).isNotSameAs(b).isEqualTo(b).isEqualTo(a);
    assertThat(c.content()).isEqualTo("1.50");
    assertThat(render(p, Map.of("x", new BigDecimal("1.5"))).content()).isEqualTo("1.5");
    assertThat(render(p, Map.of("x", -0.0d)).content()).isEqualTo("-0.0");
    assertThat(render(p, Map.of("x", 0.0d)).content()).isEqualTo("0.0");
  }

  @Test
  void aMissingOrComplexValueLeavesItToMustacheEvenAfterARememberedRender() {
    PlainTemplate p = plain(TEMPLATE);
    Map<String, Object> vars = Map.of("a", "Ana", "b", "Acme", "c", "parcels");
    render(p, vars);
    render(p, vars);

    assertThat(p.render(Map.of("a", "Ana", "b", "Acme"))).isNull();
    assertThat(p.render(Map.of("a", "Ana", "b", "Acme", "c", java.util.Optional.of("parcels")))).isNull();
    assertThat(p.render(Map.of("b", "Acme", "c", "parcels"))).isNull();
  }

  @Property(tries = 3000)
  void printsAsALongExactlyWhenLongToStringIsEqual(@ForAll long value, @ForAll("numbers") String printed) {
    assertThat(PlainTemplate.printsAs(value, printed)).isEqualTo(Long.toString(value).equals(printed));
    assertThat(PlainTemplate.printsAs(value, Long.toString(value))).isTrue();
  }

  @Provide
  Arbitrary<String> numbers() {
    return Arbitraries.oneOf(
        Arbitraries.longs().map(String::valueOf),
        Arbitraries.strings().withChars("-0123456789+ a").ofMaxLength(21),
        Arbitraries.of("", "-", "0", "-0", "00", "9223372036854775807", "-9223372036854775808",
            "9223372036854775808", "-9223372036854775809"));
  }

  @Property(tries = 3000)
  void printsAsOnlyWhenToStringIsEqual(@ForAll("values") Object value, @ForAll("values") Object other) {
    String printed = other.toString();
    boolean comparable = value instanceof String || value instanceof Integer || value instanceof Long
        || value instanceof Short || value instanceof Byte || value instanceof Boolean || value instanceof Character;
    assertThat(PlainTemplate.printsAs(value, printed)).isEqualTo(comparable && value.toString().equals(printed));
  }

  @Provide
  Arbitrary<Object> values() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("1-.0tru").ofMaxLength(4).map(s -> (Object) s),
        Arbitraries.integers().between(-12, 12).map(i -> (Object) i),
        Arbitraries.longs().between(-12, 12).map(l -> (Object) l),
        Arbitraries.of((short) 1, (byte) -1, true, false, '1', '-', 1.0d, 1.0f, -0.0d,
            new BigDecimal("1.0"), new BigDecimal("1"), BigInteger.ONE, List.of(1)));
  }

  /** A value set drawn from a small pool, so that sets repeat, miss, are remembered and pushed out. */
  @Provide
  Arbitrary<Map<String, Object>> sets() {
    Arbitrary<Object> value = Arbitraries.oneOf(
        Arbitraries.of("x", "y", "1", "true", "é😀", "").map(s -> (Object) s),
        Arbitraries.of(1, 2, -1).map(i -> (Object) i),
        Arbitraries.of(1L, 10L, Long.MIN_VALUE).map(l -> (Object) l),
        Arbitraries.of(true, false, 'y', 1.5d, new BigDecimal("2.50")));
    return Arbitraries.maps(Arbitraries.of("a", "b", "c"), value).ofMinSize(3).ofMaxSize(3);
  }

  @Property(tries = 300)
  void aRememberedRenderAlwaysEqualsAFreshMustacheRender(
      @ForAll @Size(min = 1, max = 40) List<@From("sets") Map<String, Object>> calls) {
    PromptVersion version = PromptVersion.builder("p", 1).system(TEMPLATE).user("{{c}}: {{b}}").build();
    for (Map<String, Object> vars : calls) {
      PromptVersion.Rendered rendered = version.render(vars);
      assertThat(rendered.messages()).containsExactly(
          Message.system(mustache(TEMPLATE, vars)), Message.user(mustache("{{c}}: {{b}}", vars)));
    }
  }

  @Property(tries = 20)
  void concurrentRendersAlwaysEqualAFreshMustacheRender(
      @ForAll @Size(min = 50, max = 200) List<@From("sets") Map<String, Object>> calls) throws Exception {
    PlainTemplate p = plain(TEMPLATE);
    List<String> expected = new ArrayList<>();
    for (Map<String, Object> vars : calls) {
      expected.add(mustache(TEMPLATE, vars));
    }
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t * 7;
        results.add(pool.submit(() -> {
          go.await();
          List<String> out = new ArrayList<>();
          for (int i = 0; i < calls.size(); i++) {
            out.add(render(p, calls.get((i + offset) % calls.size())).content());
          }
          return out;
        }));
      }
      go.countDown();
      for (int t = 0; t < threads; t++) {
        List<String> out = results.get(t).get(30, TimeUnit.SECONDS);
        for (int i = 0; i < calls.size(); i++) {
          assertThat(out.get(i)).isEqualTo(expected.get((i + t * 7) % calls.size()));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
