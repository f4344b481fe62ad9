package dev.llmops.eval.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The reference metrics on the worked examples of their sources. */
class TextMetricsTest {

  // SQuAD evaluate-v1.1.py (Rajpurkar et al. 2016): punctuation deleted, articles dropped.
  @Test
  void squadNormalisation() {
    assertThat(TextMetrics.normalise("The cat-sat, on A mat!")).isEqualTo("catsat on mat");
    assertThat(TextMetrics.normalise("  an   Apple  ")).isEqualTo("apple");
  }

  // "the Eiffel Tower in Paris" against "Eiffel Tower": P = 2/4, R = 2/2, F1 = 2/3.
  @Test
  void squadTokenF1() {
    assertThat(TextMetrics.tokenF1("the Eiffel Tower in Paris", "Eiffel Tower")).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(TextMetrics.tokenF1("Paris", "London")).isZero();
    assertThat(TextMetrics.tokenF1("the", "a")).isEqualTo(1.0); // both normalise to nothing (SQuAD 2.0)
    assertThat(TextMetrics.tokenF1("", "Paris")).isZero();
    // Multiset overlap: a repeated word counts as often as the reference has it.
    assertThat(TextMetrics.tokenF1("yes yes yes", "yes")).isCloseTo(0.5, within(1e-12));
  }

  // Lin, ROUGE (2004), section 3.1: reference "police killed the gunman".
  @Test
  void rougeLOfLin2004() {
    assertThat(TextMetrics.rougeL("police kill the gunman", "police killed the gunman")).isCloseTo(0.75, within(1e-12));
    assertThat(TextMetrics.rougeL("the gunman kill police", "police killed the gunman")).isCloseTo(0.50, within(1e-12));
    assertThat(TextMetrics.rougeL("the cat sat on the mat", "the cat lay on the mat")).isCloseTo(5.0 / 6, within(1e-12));
  }

  // Google's rouge_score tokenizer: lower-case, non-[a-z0-9] separates, non-ASCII text vanishes.
  @Test
  void rougeTokenizerAsRougeScore() {
    assertThat(TextMetrics.rougeTokens("Hello, World! It's 2024")).containsExactly("hello", "world", "it", "s", "2024");
    assertThat(TextMetrics.rougeTokens("日本語")).isEmpty();
    assertThat(TextMetrics.rougeL("日本語", "日本語")).isZero();
  }
}
