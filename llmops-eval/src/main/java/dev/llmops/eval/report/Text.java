package dev.llmops.eval.report;

import dev.llmops.api.Money;
import dev.llmops.eval.stats.Proportion;
import java.util.Locale;

/** Formatting shared by the reports. */
final class Text {
  private Text() {}

  static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }

  static String rate(Proportion p) {
    return String.format(Locale.ROOT, "%.1f%% [%.1f, %.1f]", 100 * p.estimate(), 100 * p.interval().lower(),
        100 * p.interval().upper());
  }

  static String p(double p) {
    return p < 0.0001 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.4f", p);
  }

  static String signed(double v, int decimals) {
    return String.format(Locale.ROOT, "%+." + decimals + "f", v);
  }

  static String fixed(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  static String money(long nanos) {
    return nanos < 0 ? "unknown" : Money.ofNanos(nanos).toString();
  }

  /** At most {@code max} characters, cut with an ellipsis. */
  static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  /** Escapes text for HTML content and attribute values. */
  static String html(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Escapes text for a Markdown table cell: HTML's &amp;, &lt; and &gt;, pipes, newlines. */
  static String cell(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
        .replace("\r", " ").replace("\n", " ");
  }
}
