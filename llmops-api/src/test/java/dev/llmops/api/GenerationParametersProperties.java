package dev.llmops.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

class GenerationParametersProperties {

  @Property(tries = 500)
  void overridingTakesEachComponentTheOverridesSetAndKeepsTheRest(
      @ForAll("parameters") GenerationParameters base, @ForAll("parameters") GenerationParameters over) {
    GenerationParameters merged = base.overriddenBy(over);
    assertThat(merged.temperature()).isEqualTo(pick(over.temperature(), base.temperature()));
    assertThat(merged.topP()).isEqualTo(pick(over.topP(), base.topP()));
    assertThat(merged.maxOutputTokens()).isEqualTo(pick(over.maxOutputTokens(), base.maxOutputTokens()));
    assertThat(merged.stopSequences())
        .isEqualTo(over.stopSequences().isEmpty() ? base.stopSequences() : over.stopSequences());
    assertThat(merged.seed()).isEqualTo(pick(over.seed(), base.seed()));
    assertThat(merged.presencePenalty()).isEqualTo(pick(over.presencePenalty(), base.presencePenalty()));
    assertThat(merged.frequencyPenalty()).isEqualTo(pick(over.frequencyPenalty(), base.frequencyPenalty()));
  }

  private static <T> @Nullable T pick(@Nullable T override, @Nullable T base) {
    return override != null ? override : base;
  }

  @Provide
  Arbitrary<GenerationParameters> parameters() {
    Arbitrary<Double> temperature = Arbitraries.of(0.0, 0.5, 1.0, 2.0).injectNull(0.5);
    Arbitrary<Double> topP = Arbitraries.of(0.1, 1.0).injectNull(0.5);
    Arbitrary<Integer> max = Arbitraries.integers().between(1, 4096).injectNull(0.5);
    Arbitrary<List<String>> stops = Arbitraries.of(List.<String>of(), List.of("END"), List.of("a", "b"));
    Arbitrary<Long> seed = Arbitraries.longs().between(0, 99).injectNull(0.5);
    Arbitrary<Double> penalty = Arbitraries.of(-2.0, 0.0, 1.5).injectNull(0.5);
    return Combinators.combine(temperature, topP, max, stops, seed, penalty, penalty)
        .as(GenerationParameters::new);
  }
}
