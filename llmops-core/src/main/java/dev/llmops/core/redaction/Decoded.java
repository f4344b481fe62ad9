package dev.llmops.core.redaction;

import org.jspecify.annotations.Nullable;

/**
 * A text with the encodings that hide values in logs and payloads undone, and the way back to the
 * text: URL escapes ({@code %40}), JSON and C escapes (a backslash and {@code u0040}, {@code n},
 * {@code x40}), HTML character references (&amp;#64;, &amp;commat;, &amp;amp;), full-width forms
 * ({@code ＠}, {@code ４}), other decimal digits, Unicode spaces and dashes as their ASCII forms, and
 * zero-width characters left out. The scanner runs on the {@link #view}; a finding there is mapped
 * back to the whole escapes it came from. Decoding repeats (at most {@link #MAX_ROUNDS} times) so a
 * value encoded twice ({@code %2540}, &amp;amp;#64;) is found too. Immutable.
 */
final class Decoded {
  private static final int MAX_ROUNDS = 3;

  /** The decoded text. */
  final String view;
  /**
   * {@code origin[k]}: where view character {@code k} starts in the text, for {@code k} up to the
   * view's length, where it is the text's length (entries past that are unused).
   */
  private final int[] origin;

  private Decoded(String view, int[] origin) {
    this.view = view;
    this.origin = origin;
  }

  /**
   * The decoded view of {@code text}, or null when nothing from {@code from} on decodes (the
   * common case: a {@code %} of a percentage, an {@code &} in a URL, accented letters).
   */
  static @Nullable Decoded of(String text, int from) {
    Decoded d = round(text, from);
    if (d == null) {
      return null;
    }
    for (int r = 1; r < MAX_ROUNDS; r++) {
      Decoded again = round(d.view, 0);
      if (again == null) {
        break;
      }
      int[] composed = new int[again.view.length() + 1];
      for (int k = 0; k < composed.length; k++) {
        composed[k] = d.origin[again.origin[k]];
      }
      d = new Decoded(again.view, composed);
    }
    return d;
  }

  /** The first index from {@code from} on where something decodes, or -1. */
  static int next(String text, int from) {
    return next(text, from, text.length());
  }

  /** The first index in {@code [from, to)} where something decodes, or -1. */
  static int next(String text, int from, int to) {
    for (int i = Math.max(from, 0); i < to; i++) {
      if (decodes(text, i)) {
        return i;
      }
    }
    return -1;
  }

  /** Where the view's {@code [start, end)} lies in the text: from the first escape to the last one, whole. */
  int start(int viewStart) {
    return origin[viewStart];
  }

  /** See {@link #start}. */
  int end(int viewEnd) {
    return origin[viewEnd];
  }

  /** One round of decoding, or null when it changes nothing. */
  private static @Nullable Decoded round(String s, int from) {
    int n = s.length();
    int first = -1;
    for (int i = from; i < n; i++) {
      if (decodes(s, i)) {
        first = i;
        break;
      }
    }
    if (first < 0) {
      return null;
    }
    StringBuilder view = new StringBuilder(n);
    int[] origin = new int[n + 1];
    view.append(s, 0, first);
    for (int k = 0; k < first; k++) {
      origin[k] = k;
    }
    int i = first;
    int out = first;
    while (i < n) {
      int len = escapeLength(s, i);
      int c;
      if (len > 0) {
        c = escapedChar(s, i, len);
      } else {
        len = 1;
        c = s.charAt(i);
      }
      int mapped = normalized(c);
      if (mapped >= 0) {
        view.append((char) mapped);
        origin[out++] = i;
      }
      i += len;
    }
    origin[out] = n;
    return new Decoded(view.toString(), origin);
  }

  /** True if the character at {@code i} starts an escape or is a character the view replaces. */
  private static boolean decodes(String s, int i) {
    char c = s.charAt(i);
    if (c == '%' || c == '\\' || c == '&') {
      return escapeLength(s, i) > 0;
    }
    return c >= 128 && normalized(c) != c;
  }

  /** The length of the escape at {@code i}, or 0 when there is none. */
  private static int escapeLength(String s, int i) {
    char c = s.charAt(i);
    if (c == '%') {
      int v = hex(s, i + 1, 2);
      return v >= 0 && isPrintable(v) ? 3 : 0;
    }
    if (c == '\\') {
      char e = i + 1 < s.length() ? s.charAt(i + 1) : '\0';
      return switch (e) {
        case 'u' -> hex(s, i + 2, 4) >= 0 ? 6 : 0;
        case 'x' -> hex(s, i + 2, 2) >= 0 ? 4 : 0;
        case 'n', 'r', 't', '"', '\'', '/', '\\' -> 2;
        default -> 0;
      };
    }
    if (c == '&') {
      return entityLength(s, i);
    }
    return 0;
  }

  private static int escapedChar(String s, int i, int len) {
    char c = s.charAt(i);
    if (c == '%') {
      return hex(s, i + 1, 2);
    }
    if (c == '\\') {
      return switch (s.charAt(i + 1)) {
        case 'u' -> hex(s, i + 2, 4);
        case 'x' -> hex(s, i + 2, 2);
        case 'n' -> '\n';
        case 'r' -> '\r';
        case 't' -> '\t';
        default -> s.charAt(i + 1);
      };
    }
    return entityChar(s, i, len);
  }

  /** Printable ASCII and the line breaks: the characters a URL escape is decoded to. */
  private static boolean isPrintable(int v) {
    return (v >= 0x20 && v < 0x7f) || v == '\n' || v == '\r' || v == '\t';
  }

  /** The value of {@code digits} hex digits at {@code from}, or -1. */
  private static int hex(String s, int from, int digits) {
    if (from + digits > s.length()) {
      return -1;
    }
    int v = 0;
    for (int k = from; k < from + digits; k++) {
      int d = Character.digit(s.charAt(k), 16);
      if (d < 0 || s.charAt(k) >= 128) {
        return -1;
      }
      v = v * 16 + d;
    }
    return v;
  }

  // ---------------------------------------------------------------- HTML character references

  /** Named references of the characters values and their separators are made of. */
  private static final String[] NAMES = {
    "amp", "commat", "period", "colon", "equals", "plus", "lowbar", "hyphen", "dash", "sol", "bsol",
    "percnt", "num", "quot", "apos", "lt", "gt", "nbsp", "Tab", "NewLine", "lpar", "rpar", "comma",
    "semi", "excl", "quest", "dollar", "ast", "verbar", "lsqb", "rsqb", "lcub", "rcub", "grave", "tilde"
  };

  private static final char[] CHARS = {
    '&', '@', '.', ':', '=', '+', '_', '-', '-', '/', '\\',
    '%', '#', '"', '\'', '<', '>', ' ', '\t', '\n', '(', ')', ',',
    ';', '!', '?', '$', '*', '|', '[', ']', '{', '}', '`', '~'
  };

  /** The length of the character reference at {@code i} (&amp;name; &amp;#ddd; &amp;#xhh;), or 0. */
  private static int entityLength(String s, int i) {
    // The longest reference taken is 10 characters before its ';' (&#xhhhhhh; or &NewLine;):
    // look no further, so an '&' without one costs little however long the text.
    int limit = Math.min(s.length(), i + 11);
    for (int semi = i + 2; semi < limit; semi++) {
      if (s.charAt(semi) == ';') {
        return entityChar(s, i, semi + 1 - i) >= 0 ? semi + 1 - i : 0;
      }
    }
    return 0;
  }

  private static int entityChar(String s, int i, int len) {
    int end = i + len - 1;
    if (s.charAt(i + 1) == '#') {
      boolean hex = end > i + 2 && (s.charAt(i + 2) == 'x' || s.charAt(i + 2) == 'X');
      int from = hex ? i + 3 : i + 2;
      if (from >= end) {
        return -1;
      }
      int v = 0;
      for (int k = from; k < end; k++) {
        int d = Character.digit(s.charAt(k), hex ? 16 : 10);
        if (d < 0 || s.charAt(k) >= 128) {
          return -1;
        }
        v = v * (hex ? 16 : 10) + d;
      }
      return v > 0 && v <= Character.MAX_VALUE ? v : -1;
    }
    for (int k = 0; k < NAMES.length; k++) {
      String name = NAMES[k];
      if (name.length() == len - 2 && s.startsWith(name, i + 1)) {
        return CHARS[k];
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------- characters

  /**
   * The ASCII character {@code c} stands for in a value, {@code c} itself, or -1 when it is left
   * out of the view (zero-width characters, which split a value without showing).
   */
  static int normalized(int c) {
    if (c < 128) {
      return c;
    }
    if (c >= 0xFF01 && c <= 0xFF5E) {
      return c - 0xFEE0; // full-width forms of ASCII
    }
    switch (c) {
      case 0x00A0, 0x1680, 0x202F, 0x205F, 0x3000 -> {
        return ' ';
      }
      case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E -> {
        return -1;
      }
      case 0x2212, 0xFE63 -> {
        return '-';
      }
      case 0x2028, 0x2029 -> {
        return '\n';
      }
      default -> {
        // fall through to the ranges below
      }
    }
    if (c >= 0x2000 && c <= 0x200A) {
      return ' ';
    }
    if (c >= 0x2010 && c <= 0x2015) {
      return '-';
    }
    if (Character.getType(c) == Character.DECIMAL_DIGIT_NUMBER) {
      return '0' + Character.digit(c, 10);
    }
    return c;
  }
}
