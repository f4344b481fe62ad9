package dev.llmops.core.experiment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * GrowthBook's published hashing and bucketing, bit for bit: the same inputs give the same
 * bucket and variation as a GrowthBook SDK in any other language (the cross-SDK conformance file
 * {@code cases.json}, spec 0.8.0, sections {@code hash}, {@code getBucketRange}, {@code
 * chooseVariation}, {@code inNamespace} and {@code getEqualWeights}).
 *
 * <p>The hash is 32-bit FNV-1a over UTF-16 code units (as JavaScript's {@code charCodeAt}), so
 * non-ASCII subjects agree with the JavaScript reference too. Stateless and thread-safe; the
 * hashing methods do not allocate.
 */
public final class GrowthBook {
  private static final int FNV_OFFSET = 0x811c9dc5;
  private static final int FNV_PRIME = 0x01000193;

  private GrowthBook() {}

  /**
   * GrowthBook's {@code hash(seed, value, version)}: a bucket in {@code [0, 1)}.
   *
   * <ul>
   *   <li>version 1: {@code fnv(value + seed) % 1000 / 1000} (resolution 0.001);
   *   <li>version 2: {@code fnv(decimal(fnv(seed + value))) % 10000 / 10000} (resolution 0.0001).
   * </ul>
   *
   * @return the bucket, or {@link Double#NaN} for any other version (GrowthBook's {@code null}:
   *     the subject is then not in the experiment)
   */
  public static double hash(String seed, String value, int hashVersion) {
    Objects.requireNonNull(seed, "seed");
    Objects.requireNonNull(value, "value");
    if (hashVersion == 1) {
      long h = unsigned(fnv(fnv(FNV_OFFSET, value), seed));
      return (h % 1000) / 1000.0;
    }
    if (hashVersion == 2) {
      long inner = unsigned(fnv(fnv(FNV_OFFSET, seed), value));
      long h = unsigned(fnvDecimal(FNV_OFFSET, inner));
      return (h % 10000) / 10000.0;
    }
    return Double.NaN;
  }

  /**
   * GrowthBook's {@code inNamespace(id, [namespaceId, start, end])}: whether {@code id} hashes
   * (version 1, seed {@code "__" + namespaceId}) into {@code [start, end)}.
   */
  public static boolean inNamespace(String id, Experiment.Namespace namespace) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(namespace, "namespace");
    long h = unsigned(fnv(fnv(fnv(FNV_OFFSET, id), "__"), namespace.id()));
    double n = (h % 1000) / 1000.0;
    return n >= namespace.start() && n < namespace.end();
  }

  /** GrowthBook's {@code getEqualWeights(n)}: {@code n} copies of {@code 1.0 / n}; empty for {@code n <= 0}. */
  public static List<Double> equalWeights(int numVariations) {
    if (numVariations <= 0) {
      return List.of();
    }
    return Collections.nCopies(numVariations, 1.0 / numVariations);
  }

  /**
   * GrowthBook's {@code getBucketRanges(numVariations, coverage, weights)}: one half-open range per
   * variation. Coverage is clamped to {@code [0, 1]}; the weights fall back to equal weights when
   * null, of the wrong length, or summing outside {@code [0.99, 1.01]}. Variation {@code i} gets
   * {@code [cum, cum + coverage * w_i)} where {@code cum} is the sum of the earlier weights, so
   * raising coverage keeps every enrolled subject on its variation.
   */
  public static List<Experiment.BucketRange> bucketRanges(int numVariations, double coverage, @Nullable List<Double> weights) {
    double[] w = new double[Math.max(numVariations, 0)];
    if (weights != null) {
      for (int i = 0; i < Math.min(w.length, weights.size()); i++) {
        w[i] = weights.get(i);
      }
    }
    double[] flat = ranges(numVariations, coverage, weights == null ? null : w, weights == null ? 0 : weights.size());
    List<Experiment.BucketRange> out = new ArrayList<>(flat.length / 2);
    for (int i = 0; i < flat.length; i += 2) {
      out.add(new Experiment.BucketRange(flat[i], flat[i + 1]));
    }
    return List.copyOf(out);
  }

  /**
   * GrowthBook's {@code chooseVariation(n, ranges)}: the index of the first range with {@code start
   * <= n < end}, or -1 if there is none (the subject was cut by coverage).
   */
  public static int chooseVariation(double n, List<Experiment.BucketRange> ranges) {
    for (int i = 0; i < ranges.size(); i++) {
      Experiment.BucketRange r = ranges.get(i);
      if (n >= r.start() && n < r.end()) {
        return i;
      }
    }
    return -1;
  }

  /**
   * GrowthBook's {@code getQueryStringOverride(id, url, numVariations)}: the variation forced by a
   * {@code ?<id>=<n>} parameter of {@code url} (the first one named {@code id}; {@code n} read as
   * JavaScript's {@code parseInt} reads it), or -1 when there is none or it is outside {@code [0,
   * numVariations)}.
   */
  public static int queryStringOverride(String id, String url, int numVariations) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(url, "url");
    int q = url.indexOf('?');
    if (q < 0) {
      return -1;
    }
    int stop = url.indexOf('?', q + 1);
    String search = url.substring(q + 1, stop < 0 ? url.length() : stop);
    int hash = search.indexOf('#');
    if (hash >= 0) {
      search = search.substring(0, hash);
    }
    if (search.isEmpty()) {
      return -1;
    }
    for (String kv : search.split("&", -1)) {
      int eq = kv.indexOf('=');
      String k = eq < 0 ? kv : kv.substring(0, eq);
      if (!k.equals(id)) {
        continue;
      }
      if (eq < 0) {
        return -1;
      }
      String v = kv.substring(eq + 1);
      int second = v.indexOf('=');
      long n = parseIntPrefix(second < 0 ? v : v.substring(0, second));
      return n >= 0 && n < numVariations ? (int) n : -1;
    }
    return -1;
  }

  /** JavaScript's {@code parseInt(s)} for base 10: leading whitespace, a sign, digits; -1 for NaN. */
  private static long parseIntPrefix(String s) {
    int i = 0;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    boolean negative = false;
    if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
      negative = s.charAt(i) == '-';
      i++;
    }
    int start = i;
    long n = 0;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9' && n < Integer.MAX_VALUE) {
      n = n * 10 + (s.charAt(i) - '0');
      i++;
    }
    if (i == start) {
      return -1;
    }
    return negative ? (n == 0 ? 0 : -1) : n;
  }

  // ---- array forms for the hot path: ranges are stored flat as [start0, end0, start1, end1, ...] ----

  /** Bucket ranges, flat; {@code weightCount} is the length the caller's weight list had. */
  static double[] ranges(int numVariations, double coverage, double @Nullable [] weights, int weightCount) {
    int n = Math.max(numVariations, 0);
    double cov = coverage < 0 ? 0 : Math.min(coverage, 1);
    double[] w = weights;
    if (w == null || weightCount != n || !sumsToOne(w, n)) {
      w = new double[n];
      for (int i = 0; i < n; i++) {
        w[i] = 1.0 / n;
      }
    }
    double[] out = new double[2 * n];
    double cum = 0;
    for (int i = 0; i < n; i++) {
      out[2 * i] = cum;
      out[2 * i + 1] = cum + cov * w[i];
      cum += w[i];
    }
    return out;
  }

  private static boolean sumsToOne(double[] w, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += w[i];
    }
    return sum >= 0.99 && sum <= 1.01;
  }

  /** {@link #chooseVariation} over flat ranges. */
  static int choose(double n, double[] flatRanges) {
    for (int i = 0; i < flatRanges.length; i += 2) {
      if (n >= flatRanges[i] && n < flatRanges[i + 1]) {
        return i / 2;
      }
    }
    return -1;
  }

  // ---- FNV-1a 32-bit over UTF-16 code units ----

  private static int fnv(int h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= FNV_PRIME;
    }
    return h;
  }

  /**
   * FNV-1a over the base-10 digits of a non-negative 32-bit {@code value}, without building the
   * string: the digits (at most 10) are packed four bits each into a long, least significant
   * first, then hashed most significant first. Division by the constant 10 compiles to a multiply.
   */
  private static int fnvDecimal(int h, long value) {
    long packed = 0;
    int count = 0;
    long v = value;
    do {
      packed |= (v % 10) << (4 * count);
      v /= 10;
      count++;
    } while (v > 0);
    for (int i = count - 1; i >= 0; i--) {
      h ^= '0' + (int) ((packed >>> (4 * i)) & 0xF);
      h *= FNV_PRIME;
    }
    return h;
  }

  private static long unsigned(int h) {
    return h & 0xFFFFFFFFL;
  }
}
