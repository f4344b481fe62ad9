package dev.llmops.eval.report;

import java.util.Locale;

/** A small writer of inline SVG: just the elements the charts use, attributes escaped. Not thread-safe. */
final class Svg {
  private final StringBuilder sb = new StringBuilder();
  private final int width;
  private final int height;

  Svg(String id, int width, int height, String title) {
    this.width = width;
    this.height = height;
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"").append(Text.html(id))
        .append("\" class=\"chart\" role=\"img\" width=\"").append(width).append("\" height=\"").append(height)
        .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\">")
        .append("<title>").append(Text.html(title)).append("</title>");
  }

  int width() {
    return width;
  }

  int height() {
    return height;
  }

  Svg rect(double x, double y, double w, double h, String cssClass, String tooltip) {
    sb.append("<rect class=\"").append(cssClass).append("\" x=\"").append(n(x)).append("\" y=\"").append(n(y))
        .append("\" width=\"").append(n(Math.max(0, w))).append("\" height=\"").append(n(Math.max(0, h))).append("\">")
        .append("<title>").append(Text.html(tooltip)).append("</title></rect>");
    return this;
  }

  Svg line(double x1, double y1, double x2, double y2, String cssClass) {
    sb.append("<line class=\"").append(cssClass).append("\" x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1))
        .append("\" x2=\"").append(n(x2)).append("\" y2=\"").append(n(y2)).append("\"/>");
    return this;
  }

  Svg circle(double cx, double cy, double r, String cssClass, String tooltip) {
    sb.append("<circle class=\"").append(cssClass).append("\" cx=\"").append(n(cx)).append("\" cy=\"").append(n(cy))
        .append("\" r=\"").append(n(r)).append("\"><title>").append(Text.html(tooltip)).append("</title></circle>");
    return this;
  }

  Svg text(double x, double y, String anchor, String cssClass, String text) {
    sb.append("<text class=\"").append(cssClass).append("\" x=\"").append(n(x)).append("\" y=\"").append(n(y))
        .append("\" text-anchor=\"").append(anchor).append("\">").append(Text.html(text)).append("</text>");
    return this;
  }

  /** A legend entry: a swatch and a label. */
  Svg legend(double x, double y, String cssClass, String label) {
    rect(x, y - 9, 12, 10, cssClass, label);
    return text(x + 16, y, "start", "label", label);
  }

  String end() {
    return sb.append("</svg>").toString();
  }

  private static String n(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
