package dev.llmops.core.redaction;

import java.util.Locale;

/**
 * Where a {@link Redactor.Stream} cuts what it has received: everything before the cut is emitted,
 * redacted; the tail from the cut on could be the start of a value and waits for what follows.
 * The cut is always at the start of a word, after whitespace that no value spans, so the part
 * before it redacts as it would inside the whole text.
 */
final class Holdback {
  /** The most characters held back, except for a private key block. */
  static final int MAX_HOLD = 1024;
  /** The most characters of an unterminated private key block held back. */
  static final int MAX_KEY_HOLD = 16 * 1024;
  /** Enough characters to hold {@code -----END ... PRIVATE KEY-----} split across pieces. */
  static final int END_MARKER_CHARS = 64;
  /** The most whitespace between two parts of one value ({@code password =   "..."}). */
  private static final int MAX_GAP = 12;

  private static final String[] NAMES = {
    "password", "passwd", "pwd", "passphrase", "secret", "authorization", "key", "token", "credential",
    "credentials", "creds", "auth"
  };
  private static final String[] SCHEMES = {"bearer", "basic", "token"};

  private Holdback() {}

  /** Where the held tail of {@code s} starts: {@code s.length()} when nothing need wait. */
  static int start(CharSequence s) {
    int n = s.length();
    int hold = n;
    // The last word may still grow.
    while (hold > 0 && !isSpace(s.charAt(hold - 1))) {
      hold--;
    }
    while (hold > 0) {
      int gapStart = hold;
      while (gapStart > 0 && isSpace(s.charAt(gapStart - 1))) {
        gapStart--;
      }
      int wordStart = gapStart;
      while (wordStart > 0 && !isSpace(s.charAt(wordStart - 1))) {
        wordStart--;
      }
      if (wordStart == gapStart || !joins(s, wordStart, gapStart, hold, n)) {
        break;
      }
      hold = wordStart;
    }
    hold = Math.min(hold, keyBlockStart(s, hold));
    int bound = s.length() - (hold < n && startsKeyBlock(s, hold) ? MAX_KEY_HOLD : MAX_HOLD);
    if (hold < bound) {
      // Too long to be one value: cut at the first word start after the bound.
      hold = bound;
      while (hold < n && !isSpace(s.charAt(hold - 1))) {
        hold++;
      }
    }
    return hold;
  }

  /**
   * True if the word {@code [a, b)}, the whitespace {@code [b, c)} and what follows from {@code c}
   * (nothing yet when {@code c == n}) may be parts of one value.
   */
  private static boolean joins(CharSequence s, int a, int b, int c, int n) {
    int breaks = 0;
    for (int k = b; k < c; k++) {
      if (s.charAt(k) == '\n') {
        breaks++;
      }
    }
    if (c - b > MAX_GAP || breaks > 1) {
      return false;
    }
    char last = s.charAt(b - 1);
    char next = c < n ? s.charAt(c) : '\0';
    if (breaks == 1) {
      // A hard wrap: a card's group of four, or a key-like word, may go on at the next line.
      boolean onlyBreak = c - b == 1 || (c - b == 2 && s.charAt(b) == '\r');
      return onlyBreak && Scanner.isWord(last) && (next == '\0' || Scanner.isWord(next)) && wrappable(s, a, b);
    }
    if (last == ':' || last == '=' || last == '>' || next == '=' || next == ':') {
      return true; // an assignment: name, operator and value
    }
    if (isGroup(s, a, b) && (next == '\0' || next == '(' || next == '+' || Character.isLetterOrDigit(next))) {
      return true; // digit groups and IBAN groups: 4111 1111, (415) 555, DE89 3704
    }
    String word = s.subSequence(a, b).toString().toLowerCase(Locale.ROOT);
    for (String scheme : SCHEMES) {
      if (word.equals(scheme)) {
        return true;
      }
    }
    if (next == '\0') {
      String name = stripQuotes(word);
      for (String n2 : NAMES) {
        if (name.endsWith(n2)) {
          return true; // a secret's name whose "=" or ":" has not arrived yet
        }
      }
    }
    return false;
  }

  /**
   * A group of a number or an IBAN: digits with {@code + ( ) - .}, or at most four letters and
   * digits with a digit or in upper case ({@code DE89}, {@code WEST}), unlike a short word.
   */
  private static boolean isGroup(CharSequence s, int a, int b) {
    boolean digit = false;
    boolean lower = false;
    boolean letter = false;
    for (int k = a; k < b; k++) {
      char c = s.charAt(k);
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c >= 'a' && c <= 'z') {
        lower = true;
        letter = true;
      } else if (c >= 'A' && c <= 'Z') {
        letter = true;
      } else if (letter || "+()-.".indexOf(c) < 0) {
        return false;
      }
    }
    return letter ? b - a <= 4 && (digit || !lower) : digit;
  }

  /** A word a hard wrap may have split: four digits (a card group) or a run of key characters with a digit. */
  private static boolean wrappable(CharSequence s, int a, int b) {
    boolean digit = false;
    for (int k = a; k < b; k++) {
      char c = s.charAt(k);
      digit |= c >= '0' && c <= '9';
    }
    return digit && b - a >= 4;
  }

  private static String stripQuotes(String word) {
    int a = 0;
    int b = word.length();
    while (a < b && (word.charAt(a) == '"' || word.charAt(a) == '\'')) {
      a++;
    }
    while (b > a && (word.charAt(b - 1) == '"' || word.charAt(b - 1) == '\'')) {
      b--;
    }
    return word.substring(a, b);
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u00a0' || c == '\u3000';
  }

  /** The start of an unterminated private key block before {@code hold}, or {@code hold}. */
  private static int keyBlockStart(CharSequence s, int hold) {
    String text = s.toString();
    int begin = text.lastIndexOf("-----BEGIN", hold);
    if (begin < 0 || !startsKeyBlock(text, begin) || text.indexOf("-----END", begin) >= 0) {
      return hold;
    }
    return begin;
  }

  private static boolean startsKeyBlock(CharSequence s, int at) {
    String text = s.toString();
    if (!text.startsWith("-----BEGIN", at)) {
      return false;
    }
    int headerEnd = text.indexOf("-----", at + 10);
    int kind = text.indexOf("PRIVATE KEY", at + 10);
    return headerEnd < 0 || (kind >= 0 && kind < headerEnd);
  }

  /** True if {@code piece} ends inside a private key block (its head emitted, its body to come). */
  static boolean opensKeyBlock(String piece) {
    int begin = piece.lastIndexOf("-----BEGIN");
    return begin >= 0 && startsKeyBlock(piece, begin) && piece.indexOf("-----END", begin) < 0;
  }

  /** Where the end line of a private key block ends in {@code s}, or -1 when it has not arrived. */
  static int keyBlockEnd(CharSequence s) {
    String text = s.toString();
    int end = text.indexOf("-----END");
    if (end < 0) {
      return -1;
    }
    int close = text.indexOf("-----", end + 8);
    return close < 0 ? -1 : close + 5;
  }
}
