package dev.llmops.eval.stats;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How well two raters agree on the same items: observed agreement and Cohen's kappa (Cohen 1960),
 * {@code kappa = (po - pe) / (1 - pe)} with {@code pe = sum over labels of p1(label) * p2(label)}.
 * Kappa is NaN when {@code pe = 1} (both raters used one and the same label throughout). Immutable.
 *
 * @param items how many items both rated
 * @param observed the share of items with the same label ({@code po})
 * @param expected the agreement expected by chance ({@code pe})
 * @param kappa Cohen's kappa
 */
public record Agreement(int items, double observed, double expected, double kappa) {

  /**
   * Cohen's kappa of two raters' labels, item by item.
   *
   * @throws IllegalArgumentException if the lists differ in length or are empty
   */
  public static Agreement cohen(List<String> first, List<String> second) {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(second, "second");
    if (first.size() != second.size()) {
      throw new IllegalArgumentException("raters must label the same items but had " + first.size() + " and " + second.size());
    }
    int n = first.size();
    if (n == 0) {
      throw new IllegalArgumentException("agreement needs at least one item");
    }
    Map<String, Integer> a = new HashMap<>();
    Map<String, Integer> b = new HashMap<>();
    int same = 0;
    for (int i = 0; i < n; i++) {
      String x = Objects.requireNonNull(first.get(i), "label");
      String y = Objects.requireNonNull(second.get(i), "label");
      a.merge(x, 1, Integer::sum);
      b.merge(y, 1, Integer::sum);
      if (x.equals(y)) {
        same++;
      }
    }
    double po = (double) same / n;
    double pe = 0;
    for (Map.Entry<String, Integer> e : a.entrySet()) {
      pe += ((double) e.getValue() / n) * ((double) b.getOrDefault(e.getKey(), 0) / n);
    }
    double kappa = pe == 1 ? Double.NaN : (po - pe) / (1 - pe);
    return new Agreement(n, po, pe, kappa);
  }
}
