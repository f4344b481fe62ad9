package dev.llmops.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link BaseFacts}: the remembered facts are those of the map itself. */
class BaseFactsTest {

  @Provide
  Arbitrary<Map<String, Object>> maps() {
    Arbitrary<Object> values = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(12).map(s -> (Object) s),
        Arbitraries.integers().map(i -> (Object) i),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.of(new BigDecimal("1.50"), BigInteger.TEN.pow(40), 'c', true, 2.5, (byte) 3),
        Arbitraries.<Object>of(List.of("a"), new java.util.concurrent.atomic.AtomicInteger(3)));
    return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6), values).ofMaxSize(8);
  }

  @Property(tries = 300)
  void factsAreThoseOfTheMapWhetherRememberedOrNot(@ForAll("maps") Map<String, Object> contents) {
    Map<String, Object> map = Map.copyOf(contents);
    boolean scalars = contents.values().stream().allMatch(BaseFacts::isScalar);
    long chars = 0;
    for (Map.Entry<String, Object> e : contents.entrySet()) {
      chars += e.getKey().length() + BaseFacts.chars(e.getValue());
    }

    for (int call = 0; call < 3; call++) {
      BaseFacts facts = BaseFacts.of(map);
      assertThat(facts.scalars()).isEqualTo(scalars);
      assertThat(facts.chars()).isEqualTo(chars);
      if (scalars) {
        assertThat(facts.hash()).isEqualTo(contents.hashCode());
      }
    }
    assertThat(BaseFacts.of(map)).isSameAs(BaseFacts.of(map));
  }

  @Test
  void anEqualMapOfOtherContentIsNeverAnsweredFromAnothersFacts() {
    Map<String, Object> a = Map.copyOf(new HashMap<>(Map.of("x", "aaaa")));
    Map<String, Object> b = Map.copyOf(new HashMap<>(Map.of("x", "bb")));
    assertThat(BaseFacts.of(a).chars()).isEqualTo(5);
    assertThat(BaseFacts.of(b).chars()).isEqualTo(3);
    assertThat(BaseFacts.of(a).chars()).isEqualTo(5);
  }

  @Test
  void scalarsAreTheImmutableTypeStrictValues() {
    for (Object scalar : new Object[] {"s", true, 'c', (byte) 1, (short) 1, 1, 1L, 1f, 1d, BigInteger.ONE,
        BigDecimal.ONE}) {
      assertThat(BaseFacts.isScalar(scalar)).as("%s", scalar.getClass()).isTrue();
    }
    assertThat(BaseFacts.isScalar(new ArrayList<>())).isFalse();
    assertThat(BaseFacts.isScalar(new java.util.concurrent.atomic.AtomicLong())).isFalse();
    assertThat(BaseFacts.isScalar(Map.of())).isFalse();
  }
}
