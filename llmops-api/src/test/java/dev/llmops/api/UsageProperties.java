package dev.llmops.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class UsageProperties {

  @Property
  void uncachedPlusCachedPlusWrittenIsAlwaysTheWholeInput(
      @ForAll @LongRange(max = 1_000_000) long uncached,
      @ForAll @LongRange(max = 1_000_000) long cached,
      @ForAll @LongRange(max = 1_000_000) long written,
      @ForAll @LongRange(max = 1_000_000) long visibleOutput,
      @ForAll @LongRange(max = 1_000_000) long reasoning) {
    Usage u = new Usage(uncached + cached + written, visibleOutput + reasoning, cached, written, reasoning, false);
    assertThat(u.uncachedInputTokens() + u.cachedInputTokens() + u.cacheWriteTokens()).isEqualTo(u.inputTokens());
    assertThat(u.uncachedInputTokens()).isEqualTo(uncached);
    assertThat(u.totalTokens()).isEqualTo(u.inputTokens() + u.outputTokens());
  }

  @Property
  void plusAddsEveryCountAndKeepsTheInvariants(
      @ForAll @LongRange(max = 1_000_000) long a, @ForAll @LongRange(max = 1_000_000) long b,
      @ForAll @LongRange(max = 1_000_000) long c, @ForAll @LongRange(max = 1_000_000) long d) {
    Usage x = new Usage(a + b, c + d, b, 0, d, false);
    Usage y = new Usage(c, a, 0, c, 0, true);
    Usage sum = x.plus(y);
    assertThat(sum.inputTokens()).isEqualTo(x.inputTokens() + y.inputTokens());
    assertThat(sum.outputTokens()).isEqualTo(x.outputTokens() + y.outputTokens());
    assertThat(sum.cachedInputTokens()).isEqualTo(b);
    assertThat(sum.cacheWriteTokens()).isEqualTo(c);
    assertThat(sum.estimated()).isTrue();
    assertThat(x.plus(Usage.ZERO)).isEqualTo(x);
  }

  @Property
  void cachedTokensOutsideTheInputAreRejected(@ForAll @LongRange(min = 1, max = 1000) long excess) {
    assertThatThrownBy(() -> new Usage(10, 0, 10 + excess, 0, 0, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input includes them");
    assertThatThrownBy(() -> new Usage(10, 5, 0, 0, 5 + excess, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("output includes them");
    assertThatThrownBy(() -> new Usage(-excess, 0, 0, 0, 0, false)).hasMessageContaining("inputTokens");
  }
}
