package dev.llmops.core.redaction;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The single pass behind {@link Redactor}: one walk over the text that skips ordinary words in a
 * tight loop and runs a detector only where a cheap trigger fires (a word starting with a digit or
 * with a known key prefix, an {@code @}, a {@code +} or {@code (} before digits, {@code -----BEGIN},
 * a word followed by {@code =} or {@code :}); then small checks (Luhn, mod-97, entropy) decide.
 * Findings are reported in text order and never overlap. Immutable and thread-safe.
 */
// Ordinals index dense per-type arrays on the hot path; PiiType order is part of this package.
@SuppressWarnings("EnumOrdinal")
final class Scanner {
  /** Receives findings in text order. */
  interface Sink {
    /** A finding of built-in type {@code type} (a {@link PiiType} ordinal) at {@code [start, end)}. */
    void found(int type, int start, int end);
  }

  private static final int DIGIT = 1;
  private static final int UPPER = 2;
  private static final int LOWER = 4;
  private static final int HEX = 8;
  private static final int KEY = 16; // [A-Za-z0-9_-]
  private static final int LOCAL = 32; // [A-Za-z0-9._%+-]
  private static final int DOMAIN = 64; // [A-Za-z0-9.-]
  private static final int TRIGGER = 128; // @ + ( - :
  private static final int ENCODED = 256; // %, backslash, &: may start an escape that hides a value
  private static final int ALNUM = DIGIT | UPPER | LOWER;
  private static final int[] T = new int[128];

  static {
    for (char c = '0'; c <= '9'; c++) {
      T[c] = DIGIT | HEX | KEY | LOCAL | DOMAIN;
    }
    for (char c = 'A'; c <= 'Z'; c++) {
      T[c] = UPPER | KEY | LOCAL | DOMAIN | (c <= 'F' ? HEX : 0);
    }
    for (char c = 'a'; c <= 'z'; c++) {
      T[c] = LOWER | KEY | LOCAL | DOMAIN | (c <= 'f' ? HEX : 0);
    }
    T['_'] = KEY | LOCAL;
    T['-'] = KEY | LOCAL | DOMAIN | TRIGGER;
    T['.'] = LOCAL | DOMAIN;
    T['%'] = LOCAL | ENCODED;
    T['\\'] = ENCODED;
    T['&'] = ENCODED;
    T['+'] = LOCAL | TRIGGER;
    T['@'] = TRIGGER;
    T['('] = TRIGGER;
    T[':'] = TRIGGER;
  }

  private static final int EMAIL = PiiType.EMAIL.ordinal();
  private static final int PHONE = PiiType.PHONE.ordinal();
  private static final int CARD = PiiType.CREDIT_CARD.ordinal();
  private static final int SSN = PiiType.US_SSN.ordinal();
  private static final int IBAN = PiiType.IBAN.ordinal();
  private static final int IP = PiiType.IP_ADDRESS.ordinal();
  private static final int JWT = PiiType.JWT.ordinal();
  private static final int PRIVATE_KEY = PiiType.PRIVATE_KEY.ordinal();
  private static final int API_KEY = PiiType.API_KEY.ordinal();
  private static final int SECRET = PiiType.SECRET.ordinal();

  private static final int MAX_GROUPS = 12;
  /** The fewest digits a numeric finding made of one group can have (a {@code +} phone number). */
  private static final int MIN_SINGLE_GROUP_DIGITS = 8;
  private static final int[] NO_INTS = new int[0];
  private static final char[] NO_CHARS = new char[0];

  private final boolean[] enabled;

  Scanner(boolean[] enabled) {
    this.enabled = enabled.clone();
  }

  /** Makes the sink of one scan, at its first finding. */
  interface SinkFactory {
    /** A sink for the findings in {@code text}. */
    Sink open(String text);
  }

  /**
   * Scans {@code s}, reporting findings to {@code sink} in text order.
   *
   * @return where the first character that may start an escape or a non-ASCII form is, or -1
   */
  int scan(String s, Sink sink) {
    Pass pass = new Pass(s, sink, null);
    pass.run();
    return pass.encodedAt;
  }

  /**
   * Scans {@code s}, reporting findings in text order to a sink that {@code sinks} makes at the
   * first one; most texts have none, and then no sink is made.
   */
  Scan scan(String s, SinkFactory sinks) {
    Pass pass = new Pass(s, null, sinks);
    pass.run();
    return pass;
  }

  /** What one scan leaves behind. */
  interface Scan {
    /** The sink made at the first finding, or null if nothing was found. */
    @Nullable Sink sink();

    /**
     * Where the first character is that may start an escape ({@code %}, a backslash, {@code &}) or is not ASCII, or -1:
     * from there a {@link Decoded} view may show values this scan could not see.
     */
    int encodedAt();
  }

  static boolean isWord(char c) {
    return c < 128 && (T[c] & KEY) != 0;
  }

  /** The state of one scan. */
  private final class Pass implements Scan {
    private final String s;
    private final int n;
    private @Nullable Sink sink;
    private final @Nullable SinkFactory sinks;
    private int floor;
    private int[] groupEnd = NO_INTS;
    private int[] prefixDigits = NO_INTS;
    private char[] sep = NO_CHARS;
    private int encodedAt = -1;

    Pass(String s, @Nullable Sink sink, @Nullable SinkFactory sinks) {
      this.s = s;
      this.n = s.length();
      this.sink = sink;
      this.sinks = sinks;
    }

    @Override
    public @Nullable Sink sink() {
      return sink;
    }

    @Override
    public int encodedAt() {
      return encodedAt;
    }

    void run() {
      int i = 0;
      while (i < n) {
        char c = s.charAt(i);
        if (c >= 128) {
          encoded(i);
          i++;
          continue;
        }
        int f = T[c];
        if ((f & ALNUM) != 0) {
          i = word(i);
        } else if ((f & TRIGGER) != 0) {
          i = trigger(c, i);
        } else {
          if ((f & ENCODED) != 0) {
            encoded(i);
          }
          i++;
        }
      }
    }

    private void encoded(int i) {
      if (encodedAt < 0) {
        encodedAt = i;
      }
    }

    private boolean on(int type) {
      return enabled[type];
    }

    private char at(int i) {
      return i < n ? s.charAt(i) : '\0';
    }

    private boolean is(int i, int flags) {
      if (i >= n || i < 0) {
        return false;
      }
      char c = s.charAt(i);
      return c < 128 && (T[c] & flags) != 0;
    }

    private int emit(int type, int start, int end) {
      Sink k = sink;
      if (k == null) {
        k = Objects.requireNonNull(sinks, "sinks").open(s);
        sink = k;
      }
      k.found(type, start, end);
      floor = end;
      return end;
    }

    private int trigger(char c, int i) {
      int r =
          switch (c) {
            case '@' -> email(i);
            case '+' -> on(PHONE) && is(i + 1, DIGIT) && (i == floor || !is(i - 1, ALNUM)) ? number(i, i + 1, true, 0) : -1;
            case '(' -> on(PHONE) && is(i + 1, DIGIT) ? number(i, i + 1, false, 1) : -1;
            case '-' -> on(PRIVATE_KEY) && s.startsWith("-----BEGIN", i) ? pem(i) : -1;
            case ':' -> on(IP) && at(i + 1) == ':' && (i == floor || !is(i - 1, KEY)) ? ipv6(i) : -1;
            default -> -1;
          };
      return r > i ? r : i + 1;
    }

    /** At the start of a run of letters and digits. */
    private int word(int i) {
      int we = i + 1;
      while (is(we, ALNUM)) {
        we++;
      }
      int r;
      if (s.charAt(i) <= '9') {
        // Digits right after "<digit>." or "<digit>-" continue a longer number that was already
        // judged as a whole; starting a new one inside it would depend on what was redacted before.
        boolean inside = i > floor && (at(i - 1) == '.' || at(i - 1) == '-') && is(i - 2, DIGIT);
        r = inside ? -1 : number(i, i, false, 0);
      } else {
        r = letters(i, we);
      }
      if (r > i) {
        return r;
      }
      if (at(we) == ':' && we - i <= 4 && on(IP) && allHex(i, we)) {
        r = ipv6(i);
        if (r > i) {
          return r;
        }
      }
      return we;
    }

    private boolean allDigits(int from, int to) {
      for (int k = from; k < to; k++) {
        if (!is(k, DIGIT)) {
          return false;
        }
      }
      return true;
    }

    private boolean allHex(int from, int to) {
      for (int k = from; k < to; k++) {
        if (!is(k, HEX)) {
          return false;
        }
      }
      return true;
    }

    // ---------------------------------------------------------------- numbers

    /**
     * A run of digit groups from {@code pos} (a digit), with single separators ({@code space - .}),
     * a parenthesised group ({@code (415) 555}), a leading {@code +}, and one line break after a
     * group of four (a card wrapped onto the next line); the longest prefix that some numeric
     * detector accepts wins.
     */
    private int number(int start, int pos, boolean plus, int openParens) {
      if (loneShortGroup(pos, openParens)) {
        // Most numbers in text ("4o", "v2", "17"): one group too short for any detector.
        return -1;
      }
      if (groupEnd.length == 0) {
        groupEnd = new int[MAX_GROUPS];
        prefixDigits = new int[MAX_GROUPS];
        sep = new char[MAX_GROUPS];
      }
      int groups = 0;
      int digits = 0;
      int p = pos;
      boolean parenUsed = openParens > 0;
      boolean wrapped = false;
      while (true) {
        int gs = p;
        while (is(p, DIGIT)) {
          p++;
        }
        digits += p - gs;
        groupEnd[groups] = p;
        prefixDigits[groups] = digits;
        sep[groups] = '\0';
        groups++;
        if (digits > 19 || groups == MAX_GROUPS || p >= n) {
          break;
        }
        char c = s.charAt(p);
        if (c == ')' && openParens > 0) {
          int q = p + 1;
          if (at(q) == ' ' || at(q) == '-') {
            q++;
          }
          if (is(q, DIGIT)) {
            sep[groups - 1] = ')';
            openParens--;
            p = q;
            continue;
          }
          break;
        }
        if ((c == ' ' || c == '-' || c == '.') && is(p + 1, DIGIT)) {
          sep[groups - 1] = c;
          p++;
          continue;
        }
        int lineBreak = lineBreak(p);
        if (lineBreak > 0 && !wrapped && p - gs == 4 && is(p + lineBreak, DIGIT)) {
          sep[groups - 1] = '\n';
          wrapped = true;
          p += lineBreak;
          continue;
        }
        if (c == ' ' && !parenUsed && at(p + 1) == '(' && is(p + 2, DIGIT)) {
          sep[groups - 1] = '(';
          parenUsed = true;
          openParens++;
          p += 2;
          continue;
        }
        break;
      }
      boolean leadingParen = start < pos && s.charAt(start) == '(';
      for (int k = groups - 1; k >= 0; k--) {
        int end = groupEnd[k];
        if (!rightBoundary(end)) {
          continue;
        }
        int type = classify(pos, k, prefixDigits[k], plus, leadingParen);
        if (type >= 0) {
          return emit(type, start, end);
        }
      }
      return -1;
    }

    /**
     * True if the digits from {@code pos} form a single group (nothing after them would continue
     * the number in {@link #number}) with fewer digits than any one-group finding needs: then
     * {@link #number} finds nothing, and need not set up its groups.
     */
    private boolean loneShortGroup(int pos, int openParens) {
      int p = pos;
      while (is(p, DIGIT)) {
        p++;
      }
      if (p - pos >= MIN_SINGLE_GROUP_DIGITS) {
        return false;
      }
      if (p >= n) {
        return true;
      }
      char c = s.charAt(p);
      boolean continues = ((c == ' ' || c == '-' || c == '.') && is(p + 1, DIGIT))
          || (c == ')' && openParens > 0)
          || (c == ' ' && at(p + 1) == '(')
          || (p - pos == 4 && lineBreak(p) > 0);
      return !continues;
    }

    /** The length of the line break at {@code p} ({@code \n} or {@code \r\n}), or 0. */
    private int lineBreak(int p) {
      char c = at(p);
      if (c == '\n') {
        return 1;
      }
      return c == '\r' && at(p + 1) == '\n' ? 2 : 0;
    }

    private boolean rightBoundary(int end) {
      if (end >= n) {
        return true;
      }
      char c = s.charAt(end);
      if ((c < 128 && (T[c] & ALNUM) != 0) || c == '@' || c == '_') {
        return false;
      }
      return !((c == '.' || c == '-') && is(end + 1, DIGIT));
    }

    /** The type of the numeric candidate ending with group {@code k}, or -1. */
    private int classify(int pos, int k, int digits, boolean plus, boolean leadingParen) {
      int opens = leadingParen ? 1 : 0;
      int closes = 0;
      // The one separator all groups share ('\0' for one group, '?' for a mix); a line break
      // (a wrapped card) stands for whichever separator the others use.
      char uniform = '\0';
      boolean wrapped = false;
      for (int j = 0; j < k; j++) {
        char c = sep[j];
        if (c == '(') {
          opens++;
        } else if (c == ')') {
          closes++;
        }
        if (c == '\n') {
          wrapped = true;
        } else if (uniform == '\0') {
          uniform = c;
        } else if (c != uniform) {
          uniform = '?';
        }
      }
      if (opens != closes) {
        return -1;
      }
      boolean plain = !plus && opens == 0;
      if (wrapped) {
        return plain && isCard(pos, k, digits, uniform) ? CARD : -1;
      }
      if (plain && k == 3 && uniform == '.' && on(IP) && ipv4Groups(pos)) {
        return IP;
      }
      if (plain && k == 2 && (uniform == '-' || uniform == ' ' || uniform == '.') && on(SSN) && ssn(pos)) {
        return SSN;
      }
      if (plain && isCard(pos, k, digits, uniform)) {
        return CARD;
      }
      char first = s.charAt(pos);
      if (!on(PHONE)) {
        return -1;
      }
      if (plus) {
        return digits >= 8 && digits <= 15 ? PHONE : -1;
      }
      if (opens > 0) {
        return digits >= 9 && digits <= 11 ? PHONE : -1;
      }
      if ((k >= 1 && uniform != '.') || k >= 2) {
        int lastGroup = prefixDigits[k] - prefixDigits[k - 1];
        if (lastGroup >= 4
            && (digits == 10 || (digits == 11 && first == '1') || (digits >= 9 && digits <= 11 && first == '0'))) {
          return PHONE;
        }
      }
      return -1;
    }

    /**
     * A payment card: 13 to 19 digits starting 1 to 6, passing Luhn, written as one group or in
     * groups split by spaces, dashes or (in three groups or more, unlike a decimal) dots.
     */
    private boolean isCard(int pos, int k, int digits, char uniform) {
      char first = s.charAt(pos);
      boolean grouping = uniform == '\0' || uniform == ' ' || uniform == '-' || (uniform == '.' && k >= 2);
      return digits >= 13 && digits <= 19 && grouping && first >= '1' && first <= '6' && on(CARD)
          && Checks.luhn(s, pos, groupEnd[k]);
    }

    private boolean ipv4Groups(int pos) {
      return ipv4Tail(pos) > pos;
    }

    private boolean ssn(int pos) {
      int a = groupEnd[0] - pos;
      int b = groupEnd[1] - groupEnd[0] - 1;
      int c = groupEnd[2] - groupEnd[1] - 1;
      if (a != 3 || b != 2 || c != 4) {
        return false;
      }
      int area = Integer.parseInt(s, pos, pos + 3, 10);
      int group = Integer.parseInt(s, pos + 4, pos + 6, 10);
      int serial = Integer.parseInt(s, pos + 7, pos + 11, 10);
      return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
    }

    // ---------------------------------------------------------------- email, pem, ipv6

    private int email(int a) {
      if (!on(EMAIL)) {
        return -1;
      }
      int st = a;
      while (st > floor && a - st < 64 && is(st - 1, LOCAL)) {
        st--;
      }
      while (st < a && (s.charAt(st) == '.' || s.charAt(st) == '-' || s.charAt(st) == '+')) {
        st++;
      }
      if (!is(a + 1, ALNUM)) {
        return -1;
      }
      int p = a + 1;
      while (is(p, DOMAIN)) {
        p++;
      }
      while (p > a + 1 && (s.charAt(p - 1) == '.' || s.charAt(p - 1) == '-')) {
        p--;
      }
      int dot = s.lastIndexOf('.', p - 1);
      if (dot <= a + 1) {
        return -1;
      }
      int tld = p - dot - 1;
      if (tld < 2) {
        return -1;
      }
      boolean punycode = s.startsWith("xn--", dot + 1);
      for (int k = dot + 1; k < p; k++) {
        if (!is(k, punycode ? KEY : UPPER | LOWER)) {
          return -1;
        }
      }
      if (st == a) {
        // A masked address (***@example.com) is skipped whole, as its first redaction consumed it.
        if (a > 0 && s.charAt(a - 1) == '*') {
          floor = p;
          return p;
        }
        return -1;
      }
      return emit(EMAIL, st, p);
    }

    private int pem(int i) {
      int headerEnd = s.indexOf("-----", i + 10);
      if (headerEnd < 0 || headerEnd - i > 80) {
        return -1;
      }
      int kind = s.indexOf("PRIVATE KEY", i + 10);
      if (kind < 0 || kind > headerEnd) {
        return -1;
      }
      int endMarker = s.indexOf("-----END", headerEnd + 5);
      int end = n;
      if (endMarker >= 0) {
        int close = s.indexOf("-----", endMarker + 8);
        end = close < 0 ? n : close + 5;
      }
      return emit(PRIVATE_KEY, i, end);
    }

    private int ipv6(int i) {
      int p = i;
      int groups = 0;
      boolean dbl = false;
      boolean leadingDouble = false;
      if (s.charAt(p) == ':') {
        dbl = true;
        leadingDouble = true;
        p += 2;
      }
      while (p < n) {
        int gs = p;
        while (p - gs < 5 && is(p, HEX)) {
          p++;
        }
        int len = p - gs;
        if (len == 0) {
          break;
        }
        if (len > 4) {
          return -1;
        }
        // An embedded IPv4 tail (::ffff:192.0.2.1) starts with a group of up to three decimal
        // digits followed by a dot and a digit; a dot after the last group ends a sentence.
        if (at(p) == '.' && is(p + 1, DIGIT) && len <= 3 && allDigits(gs, p)) {
          int v4 = ipv4Tail(gs);
          if (v4 < 0 || groups > 6) {
            return -1;
          }
          p = v4;
          groups += 2;
          break;
        }
        groups++;
        if (at(p) == ':') {
          if (at(p + 1) == ':') {
            if (dbl) {
              break;
            }
            dbl = true;
            p += 2;
            continue;
          }
          if (is(p + 1, HEX)) {
            p++;
            continue;
          }
        }
        break;
      }
      boolean ok = dbl ? groups <= 7 && (groups >= 2 || (leadingDouble && groups >= 1)) : groups == 8;
      if (!ok || is(p, KEY) || (at(p) == '.' && is(p + 1, ALNUM))) {
        return -1;
      }
      return emit(IP, i, p);
    }

    private int ipv4Tail(int pos) {
      int p = pos;
      for (int g = 0; g < 4; g++) {
        int v = 0;
        int len = 0;
        while (is(p, DIGIT)) {
          v = v * 10 + (s.charAt(p) - '0');
          len++;
          p++;
        }
        if (len == 0 || len > 3 || v > 255) {
          return -1;
        }
        if (g < 3) {
          if (at(p) != '.') {
            return -1;
          }
          p++;
        }
      }
      return p;
    }

    // ---------------------------------------------------------------- words

    private int keyEnd(int i) {
      int p = i;
      while (is(p, KEY)) {
        p++;
      }
      return p;
    }

    private int letters(int i, int we) {
      char c0 = s.charAt(i);
      int r = -1;
      if (on(API_KEY) || on(JWT)) {
        r = prefixed(c0, i);
        if (r > i) {
          return r;
        }
      }
      if (on(IBAN) && we - i >= 4 && is(i, UPPER | LOWER) && is(i + 1, UPPER | LOWER) && is(i + 2, DIGIT) && is(i + 3, DIGIT)) {
        r = iban(i);
        if (r > i) {
          return r;
        }
      }
      if (on(SECRET)) {
        r = assignment(i);
      }
      return r;
    }

    private static char upper(char c) {
      return c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c;
    }

    private boolean starts(int i, String prefix) {
      return s.startsWith(prefix, i);
    }

    /** Provider keys and tokens recognised by their prefix. */
    private int prefixed(char c0, int i) {
      switch (c0) {
        case 's' -> {
          if (starts(i, "sk-")) {
            int end = wrappedEnd(keyEnd(i));
            return end - i >= 23 && hasDigit(i + 3, end) ? emitKey(API_KEY, i, end) : -1;
          }
          if (starts(i, "sk_live_") || starts(i, "sk_test_") || starts(i, "sk_prod_")) {
            int end = wrappedEnd(keyEnd(i));
            return end - i >= 18 ? emitKey(API_KEY, i, end) : -1;
          }
          return -1;
        }
        case 'r' -> {
          if (starts(i, "rk_live_") || starts(i, "rk_test_") || starts(i, "rk_prod_")) {
            int end = wrappedEnd(keyEnd(i));
            return end - i >= 18 ? emitKey(API_KEY, i, end) : -1;
          }
          return -1;
        }
        case 'A' -> {
          if (starts(i, "AKIA") || starts(i, "ASIA") || starts(i, "ABIA") || starts(i, "ACCA")
              || (starts(i, "A3T") && is(i + 3, UPPER | DIGIT))) {
            int end = keyEnd(i);
            if (end - i == 20 && base32Upper(i + 4, end)) {
              return emitKey(API_KEY, i, end);
            }
            return -1;
          }
          if (starts(i, "AIza")) {
            int end = wrappedEnd(keyEnd(i));
            return end - i >= 39 ? emitKey(API_KEY, i, end) : -1;
          }
          return -1;
        }
        case 'g' -> {
          if (starts(i, "gh") && (at(i + 3) == '_') && "pousr".indexOf(at(i + 2)) >= 0) {
            int end = wrappedEnd(keyEnd(i));
            return end - i >= 34 ? emitKey(API_KEY, i, end) : -1;
          }
          if (starts(i, "github_pat_")) {
            int end = wrappedEnd(keyEnd(i));
            return end - i >= 33 ? emitKey(API_KEY, i, end) : -1;
          }
          if (starts(i, "gl")) {
            int dash = gitLabPrefixEnd(i);
            if (dash > 0) {
              int end = wrappedEnd(dottedEnd(i));
              return end - dash > 20 ? emitKey(API_KEY, i, end) : -1;
            }
          }
          return -1;
        }
        case 'x' -> {
          if (starts(i, "xox") && "abposre".indexOf(at(i + 3)) >= 0 && (at(i + 4) == '-' || at(i + 4) == '.')) {
            int end = wrappedEnd(dottedEnd(i));
            return end - i >= 15 && hasDigit(i, end) ? emitKey(API_KEY, i, end) : -1;
          }
          return -1;
        }
        case 'h' -> {
          if (starts(i, "hooks.slack.com/")) {
            int p = i + 16;
            while (is(p, KEY) || at(p) == '/') {
              p++;
            }
            return p - i > 30 ? emitKey(API_KEY, i, p) : -1;
          }
          return -1;
        }
        case 'e' -> {
          return starts(i, "ey") ? jwt(i) : -1;
        }
        case 'B', 'b' -> {
          if (on(SECRET) && (starts(i, "Bearer ") || starts(i, "bearer "))) {
            int v = i + 7;
            int end = valueEnd(v);
            return end - v >= 16 ? emit(SECRET, v, end) : -1;
          }
          return -1;
        }
        default -> {
          return -1;
        }
      }
    }

    /** GitLab's token prefixes (personal, deploy, runner, trigger, feed, mail, agent, OAuth, job, flag, SCIM). */
    private static final String[] GITLAB = {
      "glpat-", "gldt-", "glrt-", "glrtr-", "glptt-", "glft-", "glimt-", "glagent-", "gloas-", "glcbt-",
      "glffct-", "glsoat-"
    };

    /** The index of the dash ending the GitLab token prefix at {@code i}, or -1. */
    private int gitLabPrefixEnd(int i) {
      for (String prefix : GITLAB) {
        if (starts(i, prefix)) {
          return i + prefix.length() - 1;
        }
      }
      return -1;
    }

    /**
     * {@code end}, or where a token that ends at a line break goes on at the start of the next
     * line: a hard-wrapped key goes on with a word that looks random (a digit, or two upper-case
     * letters among lower-case ones), where prose would go on with an ordinary word.
     */
    private int wrappedEnd(int end) {
      int lineBreak = lineBreak(end);
      if (lineBreak == 0) {
        return end;
      }
      int from = end + lineBreak;
      int to = keyEnd(from);
      return to > from && looksRandom(from, to) ? to : end;
    }

    private boolean looksRandom(int from, int to) {
      int upper = 0;
      int lower = 0;
      for (int k = from; k < to; k++) {
        char c = s.charAt(k);
        if (c >= '0' && c <= '9') {
          return true;
        }
        if (c >= 'A' && c <= 'Z') {
          upper++;
        } else if (c >= 'a' && c <= 'z') {
          lower++;
        }
      }
      return upper >= 2 && lower >= 1;
    }

    private int emitKey(int type, int start, int end) {
      // Placeholders such as ghp_xxxxxxxx... are documentation, not credentials.
      return on(type) && Checks.entropy(s, start, end) >= 2.5 ? emit(type, start, end) : -1;
    }

    private boolean hasDigit(int from, int to) {
      for (int k = from; k < to; k++) {
        if (is(k, DIGIT)) {
          return true;
        }
      }
      return false;
    }

    private boolean base32Upper(int from, int to) {
      for (int k = from; k < to; k++) {
        char c = s.charAt(k);
        if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'))) {
          return false;
        }
      }
      return true;
    }

    /** The end of a token of key characters and inner dots (a trailing dot ends a sentence). */
    private int dottedEnd(int i) {
      int p = keyEnd(i);
      while (at(p) == '.' && is(p + 1, KEY)) {
        p = keyEnd(p + 1);
      }
      return p;
    }

    private int jwt(int i) {
      if (!on(JWT)) {
        return -1;
      }
      int a = keyEnd(i);
      if (a - i < 10 || at(a) != '.' || !starts(a + 1, "ey")) {
        return -1;
      }
      int b = jwtSegment(a + 1);
      if (b - a - 1 < 10 || at(b) != '.') {
        return -1;
      }
      int c = jwtSegment(b + 1);
      while (at(c) == '=' && c - b < 1000) {
        c++;
      }
      return emit(JWT, i, c);
    }

    private int jwtSegment(int p) {
      while (is(p, KEY) || at(p) == '/' || at(p) == '\\') {
        p++;
      }
      return p;
    }

    /**
     * An IBAN in upper or lower case (not both: {@code LV80 bANK ...} is no IBAN), compact or in
     * groups of four split by spaces, dashes or one line break.
     */
    private int iban(int i) {
      int expected = Checks.ibanLength(upper(s.charAt(i)), upper(s.charAt(i + 1)));
      if (expected == 0) {
        return -1;
      }
      char[] compact = new char[expected];
      int count = 0;
      int p = i;
      boolean wrapped = false;
      int cases = 0;
      while (count < expected && p < n) {
        char c = s.charAt(p);
        int lineBreak = lineBreak(p);
        if (is(p, ALNUM)) {
          cases |= is(p, UPPER) ? 1 : is(p, LOWER) ? 2 : 0;
          compact[count++] = upper(c);
          p++;
        } else if ((c == ' ' || c == '-') && count % 4 == 0 && is(p + 1, ALNUM)) {
          p++;
        } else if (lineBreak > 0 && !wrapped && count % 4 == 0 && is(p + lineBreak, ALNUM)) {
          wrapped = true;
          p += lineBreak;
        } else {
          break;
        }
      }
      if (count != expected || cases == 3 || is(p, ALNUM) || !Checks.ibanMod97(compact, expected)) {
        return -1;
      }
      return emit(IBAN, i, p);
    }

    // ---------------------------------------------------------------- key = value

    /** {@code name = value}, {@code "name": "value"}, {@code name := value} where the name says secret. */
    private int assignment(int i) {
      int ke = keyEnd(i);
      int p = ke;
      char c = at(p);
      if (c != '=' && c != ':' && c != '"' && c != '\'' && c != ' ') {
        return -1;
      }
      if (c == '"' || c == '\'') {
        p++;
      }
      while (at(p) == ' ' && p - ke < 4) {
        p++;
      }
      c = at(p);
      if (c != '=' && c != ':') {
        return -1;
      }
      p++;
      char c2 = at(p);
      if (c2 == '=' && c == '=') {
        return -1; // a comparison, not an assignment
      }
      if (c2 == '>' || c2 == '=') {
        p++;
      }
      int strength = keywordStrength(i, ke);
      if (strength == 0) {
        return -1;
      }
      while (at(p) == ' ' && p - ke < 12) {
        p++;
      }
      if (at(p) == '"' || at(p) == '\'' || at(p) == '`') {
        p++;
      }
      int v = p;
      int end = valueEnd(v);
      if (end - v >= 5 && end < n && s.charAt(end) == ' ' && isScheme(v, end)) {
        v = end + 1;
        end = valueEnd(v);
      }
      int len = end - v;
      if (len < 6 || boring(v, end)) {
        return -1;
      }
      // 3.5 bits per character takes at least 12 distinct ones: short words never pass.
      if (strength == 1 && Checks.entropy(s, v, end) < 3.5) {
        return -1;
      }
      return emit(SECRET, v, end);
    }

    private boolean isScheme(int v, int end) {
      int len = end - v;
      return (len == 6 && s.regionMatches(true, v, "Bearer", 0, 6))
          || (len == 5 && (s.regionMatches(true, v, "Basic", 0, 5) || s.regionMatches(true, v, "Token", 0, 5)));
    }

    private int valueEnd(int v) {
      int p = v;
      while (p < n && p - v < 512) {
        char c = s.charAt(p);
        if (c <= ' ' || c >= 127 || c == '"' || c == '\'' || c == '`' || c == ',' || c == ';' || c == '&'
            || c == '<' || c == '>' || c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}'
            || c == '|' || c == '\\') {
          break;
        }
        p++;
      }
      return p;
    }

    /** Values that are placeholders, not secrets: a run of one mask character, or {@code undefined}. */
    private boolean boring(int v, int end) {
      char first = s.charAt(v);
      boolean same = first == '*' || first == 'x' || first == 'X' || first == '#' || first == '.';
      for (int k = v + 1; k < end && same; k++) {
        same = s.charAt(k) == first;
      }
      if (same) {
        return true;
      }
      int len = end - v;
      return len <= 9
          && ((len == 9 && s.regionMatches(true, v, "undefined", 0, len))
              || (len == 8 && s.regionMatches(true, v, "redacted", 0, len)));
    }

    private static final String[] STRONG = {"password", "passwd", "pwd", "passphrase", "secret", "authorization"};
    private static final String[] WEAK = {"key", "token", "credential", "credentials", "creds", "auth"};

    /**
     * 2 when the name [i, ke) ends with a word that names a secret outright (password, secret,
     * authorization), 1 when it ends with one that is secret only if the value looks random (key,
     * token, credential, auth), 0 otherwise: {@code credentialsId}, {@code key_length} and {@code
     * LLM_SECRET_NAME} name something else.
     */
    private int keywordStrength(int i, int ke) {
      if (ke - i > 48) {
        return 0;
      }
      for (String w : STRONG) {
        if (endsWith(i, ke, w)) {
          return 2;
        }
      }
      for (String w : WEAK) {
        if (endsWith(i, ke, w)) {
          return 1;
        }
      }
      return 0;
    }

    private boolean endsWith(int i, int ke, String word) {
      int from = ke - word.length();
      return from >= i && s.regionMatches(true, from, word, 0, word.length());
    }
  }
}
