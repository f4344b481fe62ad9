package dev.llmops.eval.evaluator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Reference-based text metrics, as defined by the sources that made them standard. Thread-safe
 * (stateless).
 *
 * <ul>
 *   <li>{@link #normalise}: SQuAD's answer normalisation ({@code evaluate-v1.1.py}): lower-case,
 *       delete ASCII punctuation (deleted, not replaced: "cat-sat" becomes "catsat"), replace the
 *       words a, an, the by a space, collapse whitespace.
 *   <li>{@link #tokenF1}: SQuAD's token F1: the multiset overlap of the normalised tokens, {@code
 *       P = overlap / |prediction|}, {@code R = overlap / |reference|}, {@code F1 = 2PR / (P + R)},
 *       0 without overlap; when either side has no tokens, 1 if both have none, else 0 (SQuAD 2.0).
 *   <li>{@link #rougeL}: ROUGE-L (Lin 2004) as Google's {@code rouge_score} computes it by default:
 *       lower-case, every run of characters other than {@code a-z0-9} is a separator (so non-ASCII
 *       text has no tokens), no stemming; LCS over the token sequences, {@code R = LCS /
 *       |reference|}, {@code P = LCS / |candidate|}, {@code F = 2PR / (P + R)} (β = 1), 0 when
 *       {@code P + R = 0}.
 * </ul>
 */
public final class TextMetrics {
  private static final Pattern PUNCTUATION = Pattern.compile("[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~]");
  private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Pattern NON_ALNUM = Pattern.compile("[^a-z0-9]+");

  private TextMetrics() {}

  /** SQuAD's normalisation of an answer (see the class comment). */
  public static String normalise(String text) {
    Objects.requireNonNull(text, "text");
    String s = text.toLowerCase(Locale.ROOT);
    s = PUNCTUATION.matcher(s).replaceAll("");
    s = ARTICLES.matcher(s).replaceAll(" ");
    return WHITESPACE.matcher(s).replaceAll(" ").trim();
  }

  /** SQuAD's token F1 of {@code prediction} against {@code reference}, in [0, 1]. */
  public static double tokenF1(String prediction, String reference) {
    List<String> p = words(normalise(prediction));
    List<String> r = words(normalise(reference));
    if (p.isEmpty() || r.isEmpty()) {
      return p.isEmpty() && r.isEmpty() ? 1 : 0;
    }
    Map<String, Integer> counts = new HashMap<>();
    for (String t : r) {
      counts.merge(t, 1, Integer::sum);
    }
    int overlap = 0;
    for (String t : p) {
      Integer left = counts.get(t);
      if (left != null && left > 0) {
        overlap++;
        counts.put(t, left - 1);
      }
    }
    if (overlap == 0) {
      return 0;
    }
    double precision = (double) overlap / p.size();
    double recall = (double) overlap / r.size();
    return 2 * precision * recall / (precision + recall);
  }

  /** ROUGE-L F-measure (β = 1) of {@code candidate} against {@code reference}, in [0, 1]. */
  public static double rougeL(String candidate, String reference) {
    List<String> c = rougeTokens(candidate);
    List<String> r = rougeTokens(reference);
    if (c.isEmpty() || r.isEmpty()) {
      return 0;
    }
    int lcs = lcs(c, r);
    if (lcs == 0) {
      return 0;
    }
    double precision = (double) lcs / c.size();
    double recall = (double) lcs / r.size();
    return 2 * precision * recall / (precision + recall);
  }

  /** The tokens {@link #rougeL} compares: lower-cased runs of {@code a-z0-9}. */
  public static List<String> rougeTokens(String text) {
    return words(NON_ALNUM.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ").trim());
  }

  private static List<String> words(String normalised) {
    if (normalised.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    WHITESPACE.splitAsStream(normalised).filter(w -> !w.isEmpty()).forEach(out::add);
    return out;
  }

  /** Length of the longest common subsequence, in two rows of memory. */
  private static int lcs(List<String> a, List<String> b) {
    int[] prev = new int[b.size() + 1];
    int[] cur = new int[b.size() + 1];
    for (String x : a) {
      for (int j = 1; j <= b.size(); j++) {
        cur[j] = x.equals(b.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.size()];
  }
}
