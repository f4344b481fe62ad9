package dev.llmops.core.redaction;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Finds and replaces personal data and secrets in text, in one pass over it.
 *
 * <pre>{@code
 * Redactor redactor = Redactor.builder()
 *     .mode(PiiType.CREDIT_CARD, RedactionMode.MASK)          // **** **** **** 4242
 *     .mode(PiiType.EMAIL, RedactionMode.HMAC)                // <EMAIL#1f3a9c0d2b7e>
 *     .hmacKey(keyBytes)
 *     .allow("support@example.com")                           // never redacted
 *     .custom("EMPLOYEE_ID", Pattern.compile("EMP-\\d{6}"), "EMP-")
 *     .build();
 * String safe = redactor.redact(text);
 * }</pre>
 *
 * <p>The built-in detectors ({@link PiiType}) run in a single scan with cheap triggers; a custom
 * detector with a literal hint adds one {@link String#indexOf} pass, one without a hint a full
 * regex pass. The lines where a pass replaced something are scanned again until nothing changes
 * (at most four passes), so redacting twice equals redacting once. Text without findings is
 * returned as the same instance after one pass. Short texts that repeat (up to 64 characters: a
 * tenant, a user id, a model name) are remembered with their result in a small table of 32, so
 * they are scanned once rather than on every call.
 *
 * <p>Immutable (its memo only remembers results) and thread-safe; build one and share it.
 */
// Ordinals index dense per-type arrays on the hot path; PiiType order is part of this package.
@SuppressWarnings("EnumOrdinal")
public final class Redactor {
  private static final PiiType[] TYPES = PiiType.values();
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final int MAX_PASSES = 4;
  /** How many short texts a redactor remembers (a power of two), and how long "short" is. */
  private static final int MEMO_SLOTS = 32;
  private static final int MEMO_MAX_CHARS = 64;
  private static final Redactor DEFAULTS = builder().build();
  private static final Redactor NOOP = new Redactor(new Builder().disableAll());

  private final Scanner scanner;
  /** Makes the rewriter of one built-in scan at its first finding: clean text costs no rewriter. */
  private final Scanner.SinkFactory rewriters = Rewriter::new;
  private final boolean anyBuiltIn;
  private final RedactionMode[] modes;
  private final String[] labels;
  private final byte @Nullable [] hmacKey;
  private final Set<String> allowed;
  private final List<Pattern> allowedPatterns;
  private final List<Custom> customs;
  /**
   * Short texts redacted recently, by a hash of their text: redaction is a pure function of the
   * text and this immutable configuration, so a remembered result stays right. Racy on purpose:
   * entries are immutable (final fields), a lost write only means a text is scanned again.
   */
  private final @Nullable Remembered[] memo = new Remembered[MEMO_SLOTS];
  /** Per memo slot, the hash of the last text that missed there: a hint of what repeats. */
  private final int[] missed = new int[MEMO_SLOTS];

  private Redactor(Builder b) {
    boolean[] enabled = new boolean[TYPES.length];
    boolean any = false;
    for (PiiType t : b.enabled) {
      enabled[t.ordinal()] = true;
      any = true;
    }
    this.scanner = new Scanner(enabled);
    this.anyBuiltIn = any;
    this.customs = List.copyOf(b.customs);
    int size = TYPES.length + customs.size();
    this.modes = new RedactionMode[size];
    this.labels = new String[size];
    for (PiiType t : TYPES) {
      modes[t.ordinal()] = b.modes.getOrDefault(t, RedactionMode.TAG);
      labels[t.ordinal()] = t.name();
    }
    for (int k = 0; k < customs.size(); k++) {
      modes[TYPES.length + k] = customs.get(k).mode();
      labels[TYPES.length + k] = customs.get(k).label();
    }
    this.hmacKey = b.hmacKey == null ? null : b.hmacKey.clone();
    this.allowed = Set.copyOf(b.allowed);
    this.allowedPatterns = List.copyOf(b.allowedPatterns);
  }

  /** A redactor with every built-in detector on, each replacing with its type tag. */
  public static Redactor defaults() {
    return DEFAULTS;
  }

  /** A redactor that changes nothing (for applications that opt out explicitly). */
  public static Redactor noop() {
    return NOOP;
  }

  /** A builder starting with every built-in detector on, in {@link RedactionMode#TAG} mode. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The text with every finding replaced according to its type's mode; the same instance when
   * nothing was found.
   */
  public String redact(String text) {
    Objects.requireNonNull(text, "text");
    if (text.length() > MEMO_MAX_CHARS) {
      return redact(text, 1);
    }
    int h = text.hashCode();
    int slot = (h ^ (h >>> 16)) & (MEMO_SLOTS - 1);
    Remembered r = memo[slot];
    if (r != null && r.text.equals(text)) {
      // Clean text comes back as the caller's own instance, as from a scan.
      return r.clean() ? text : r.redacted;
    }
    String out = redact(text, 1);
    // A short text is remembered the second time it misses in its slot, so that values that
    // repeat (a tenant, a user id, a model name in a log line) are scanned once, and values that
    // never do (a ticket number) store nothing in this long-lived object.
    if (missed[slot] == h) {
      memo[slot] = new Remembered(text, out);
    } else {
      missed[slot] = h;
    }
    return out;
  }

  /**
   * One pass, then, where it replaced something, another pass over just the lines it touched.
   * Replacing a finding changes its neighbours' context (a boundary, a separator) and can expose a
   * new finding; no built-in detector reaches across a line break (a private key block is replaced
   * whole), so re-scanning those lines until nothing changes makes redaction idempotent without a
   * second pass over the whole text. Custom detectors may span lines: with them the whole text is
   * scanned again.
   */
  private String redact(String text, int depth) {
    Rewriter pass = redactOnce(text);
    if (pass == null) {
      return text;
    }
    String out = pass.result();
    int[] ranges = pass.ranges;
    int count = pass.rangeCount;
    if (count == 0 || depth >= MAX_PASSES) {
      return out;
    }
    if (!customs.isEmpty()) {
      return redact(out, depth + 1);
    }
    StringBuilder b = null;
    int copied = 0;
    int k = 0;
    while (k < count) {
      int lineStart = out.lastIndexOf('\n', ranges[2 * k] - 1) + 1;
      int lineEnd = lineEnd(out, ranges[2 * k + 1]);
      k++;
      while (k < count && ranges[2 * k] < lineEnd) {
        lineEnd = Math.max(lineEnd, lineEnd(out, ranges[2 * k + 1]));
        k++;
      }
      String window = out.substring(lineStart, lineEnd);
      String again = redact(window, depth + 1);
      if (!again.equals(window)) {
        if (b == null) {
          b = new StringBuilder(out.length() + 16);
        }
        b.append(out, copied, lineStart).append(again);
        copied = lineEnd;
      }
    }
    if (b == null) {
      return out;
    }
    return b.append(out, copied, out.length()).toString();
  }

  private static int lineEnd(String s, int from) {
    int nl = s.indexOf('\n', from);
    return nl < 0 ? s.length() : nl;
  }

  /** One pass over {@code text}; null when the built-in detectors alone found nothing in it. */
  private @Nullable Rewriter redactOnce(String text) {
    if (customs.isEmpty()) {
      return anyBuiltIn ? (Rewriter) scanner.scan(text, rewriters) : null;
    }
    Rewriter rewriter = new Rewriter(text);
    for (int[] f : collect(text)) {
      rewriter.found(f[0], f[1], f[2]);
    }
    return rewriter;
  }

  /** {@code text} redacted, or null when it is null. */
  public @Nullable String redactNullable(@Nullable String text) {
    return text == null ? null : redact(text);
  }

  /** The findings in {@code text}, in text order, without overlaps, allow-listed values left out. */
  public List<Finding> find(String text) {
    Objects.requireNonNull(text, "text");
    List<Finding> out = new ArrayList<>();
    for (int[] f : collect(text)) {
      if (!isAllowed(text, f[1], f[2])) {
        out.add(new Finding(labels[f[0]], f[1], f[2]));
      }
    }
    return out;
  }

  /** True if {@code text} holds anything this redactor would replace. */
  public boolean containsSensitive(String text) {
    return !redact(text).equals(text);
  }

  private List<int[]> collect(String text) {
    List<int[]> found = new ArrayList<>();
    if (anyBuiltIn) {
      scanner.scan(text, (type, start, end) -> found.add(new int[] {type, start, end}));
    }
    if (customs.isEmpty()) {
      return found;
    }
    for (int k = 0; k < customs.size(); k++) {
      customs.get(k).find(text, TYPES.length + k, found);
    }
    found.sort((a, b) -> a[1] != b[1] ? Integer.compare(a[1], b[1]) : Integer.compare(b[2], a[2]));
    List<int[]> merged = new ArrayList<>(found.size());
    int floor = 0;
    for (int[] f : found) {
      if (f[1] >= floor) {
        merged.add(f);
        floor = f[2];
      }
    }
    return merged;
  }

  private boolean isAllowed(String text, int start, int end) {
    if (allowed.isEmpty() && allowedPatterns.isEmpty()) {
      return false;
    }
    String value = text.substring(start, end);
    if (allowed.contains(value)) {
      return true;
    }
    for (Pattern p : allowedPatterns) {
      if (p.matcher(value).matches()) {
        return true;
      }
    }
    return false;
  }

  private void replace(int type, String text, int start, int end, StringBuilder out) {
    switch (modes[type]) {
      case MASK:
        mask(type, text, start, end, out);
        break;
      case HMAC:
        out.append('<').append(labels[type]).append('#');
        hmac(text.substring(start, end), out);
        out.append('>');
        break;
      case TAG:
      default:
        out.append('<').append(labels[type]).append('>');
        break;
    }
  }

  private static void mask(int type, String text, int start, int end, StringBuilder out) {
    if (type == PiiType.PRIVATE_KEY.ordinal()) {
      out.append("<PRIVATE_KEY>");
    } else if (type == PiiType.EMAIL.ordinal()) {
      out.append("***").append(text, text.indexOf('@', start), end);
    } else if (type == PiiType.IP_ADDRESS.ordinal()) {
      int k = start;
      while (k < end && text.charAt(k) != '.' && text.charAt(k) != ':') {
        k++;
      }
      out.append(text, start, Math.min(k + 1, end)).append("***");
    } else if (type == PiiType.API_KEY.ordinal() || type == PiiType.JWT.ordinal()) {
      out.append(text, start, start + Math.min(4, (end - start) / 4)).append("****");
    } else if (type == PiiType.SECRET.ordinal()) {
      out.append("****");
    } else {
      int alnum = 0;
      for (int k = start; k < end; k++) {
        if (Character.isLetterOrDigit(text.charAt(k))) {
          alnum++;
        }
      }
      // The last four letters or digits are kept together, without separators between them, so
      // that what is kept can never form a new finding on a second pass (1.2.3.4 would).
      int keepFrom = alnum - 4;
      int seen = 0;
      for (int k = start; k < end; k++) {
        char c = text.charAt(k);
        if (Character.isLetterOrDigit(c)) {
          out.append(seen++ < keepFrom ? '*' : c);
        } else if (seen <= keepFrom || keepFrom < 0) {
          out.append(c);
        }
      }
    }
  }

  private void hmac(String value, StringBuilder out) {
    byte[] key = Objects.requireNonNull(hmacKey, "hmacKey");
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
      for (int k = 0; k < 6; k++) {
        out.append(HEX[(digest[k] >> 4) & 0xf]).append(HEX[digest[k] & 0xf]);
      }
    } catch (GeneralSecurityException e) {
      // HmacSHA256 is required of every Java platform; without it, fall back to the plain tag.
      out.append("unavailable");
    }
  }

  private static final int[] NO_RANGES = new int[0];

  /** Builds the output lazily: nothing is copied until the first finding. */
  private final class Rewriter implements Scanner.Sink {
    private final String text;
    private @Nullable StringBuilder out;
    private int copied;
    /** Where the replacements are in the output: [start, end) pairs. */
    int[] ranges = NO_RANGES;
    int rangeCount;

    Rewriter(String text) {
      this.text = text;
    }

    @Override
    public void found(int type, int start, int end) {
      if (isAllowed(text, start, end)) {
        return;
      }
      StringBuilder b = out;
      if (b == null) {
        b = new StringBuilder(text.length() + 16);
        out = b;
      }
      b.append(text, copied, start);
      int from = b.length();
      replace(type, text, start, end, b);
      if (2 * rangeCount + 2 > ranges.length) {
        ranges = Arrays.copyOf(ranges, Math.max(8, ranges.length * 2));
      }
      ranges[2 * rangeCount] = from;
      ranges[2 * rangeCount + 1] = b.length();
      rangeCount++;
      copied = end;
    }

    String result() {
      StringBuilder b = out;
      if (b == null) {
        return text;
      }
      b.append(text, copied, text.length());
      return b.toString();
    }
  }

  /** A detector the application adds: a regex, optionally anchored on a literal hint. */
  private record Custom(String label, Pattern pattern, @Nullable String hint, RedactionMode mode) {
    void find(String text, int type, List<int[]> out) {
      Matcher m = pattern.matcher(text);
      if (hint == null) {
        while (m.find()) {
          if (m.end() > m.start()) {
            out.add(new int[] {type, m.start(), m.end()});
          }
        }
        return;
      }
      int from = 0;
      while (true) {
        int idx = text.indexOf(hint, from);
        if (idx < 0) {
          return;
        }
        m.region(idx, text.length());
        if (m.lookingAt() && m.end() > idx) {
          out.add(new int[] {type, idx, m.end()});
          from = m.end();
        } else {
          from = idx + 1;
        }
      }
    }
  }

  /** Builds a {@link Redactor}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private final EnumSet<PiiType> enabled = EnumSet.allOf(PiiType.class);
    private final Map<PiiType, RedactionMode> modes = new EnumMap<>(PiiType.class);
    private byte @Nullable [] hmacKey;
    private final Set<String> allowed = new HashSet<>();
    private final List<Pattern> allowedPatterns = new ArrayList<>();
    private final List<Custom> customs = new ArrayList<>();
    private final Map<String, Boolean> labels = new LinkedHashMap<>();

    private Builder() {}

    /** Turns built-in detectors off. */
    public Builder disable(PiiType... types) {
      enabled.removeAll(Arrays.asList(types));
      return this;
    }

    /** Turns every built-in detector off (to use custom detectors only). */
    public Builder disableAll() {
      enabled.clear();
      return this;
    }

    /** Turns built-in detectors back on. */
    public Builder enable(PiiType... types) {
      enabled.addAll(Arrays.asList(types));
      return this;
    }

    /** Sets how findings of {@code type} are replaced (default {@link RedactionMode#TAG}). */
    public Builder mode(PiiType type, RedactionMode mode) {
      modes.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(mode, "mode"));
      return this;
    }

    /** Sets the mode of every built-in type. */
    public Builder modeForAll(RedactionMode mode) {
      Objects.requireNonNull(mode, "mode");
      for (PiiType t : TYPES) {
        modes.put(t, mode);
      }
      return this;
    }

    /**
     * Sets the key of {@link RedactionMode#HMAC} pseudonyms; required when any type uses it.
     *
     * @throws IllegalArgumentException if the key is shorter than 16 bytes
     */
    public Builder hmacKey(byte[] key) {
      Objects.requireNonNull(key, "key");
      if (key.length < 16) {
        throw new IllegalArgumentException("hmacKey must be at least 16 bytes but was " + key.length);
      }
      this.hmacKey = key.clone();
      return this;
    }

    /** Never redacts exactly these values (a public support address, a documentation key). */
    public Builder allow(String... values) {
      for (String v : values) {
        allowed.add(Objects.requireNonNull(v, "value"));
      }
      return this;
    }

    /** Never redacts values these values match in full. */
    public Builder allow(Collection<String> values) {
      return allow(values.toArray(new String[0]));
    }

    /** Never redacts a value that {@code pattern} matches in full. */
    public Builder allowMatching(Pattern pattern) {
      allowedPatterns.add(Objects.requireNonNull(pattern, "pattern"));
      return this;
    }

    /**
     * Adds a detector for matches of {@code pattern} that start with the literal {@code hint}
     * (the scan looks for the hint with {@link String#indexOf}, then matches there), replaced as
     * {@code <label>}.
     *
     * @throws IllegalArgumentException if the label is not upper-case letters, digits and
     *     underscores, or is already used
     */
    public Builder custom(String label, Pattern pattern, String hint) {
      return custom(label, pattern, Objects.requireNonNull(hint, "hint"), RedactionMode.TAG);
    }

    /**
     * Adds a detector as {@link #custom(String, Pattern, String)} with a mode; a null hint runs
     * the regex over the whole text (slower: one more full pass per such detector).
     */
    public Builder custom(String label, Pattern pattern, @Nullable String hint, RedactionMode mode) {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(pattern, "pattern");
      Objects.requireNonNull(mode, "mode");
      if (!label.matches("[A-Z][A-Z0-9_]*")) {
        throw new IllegalArgumentException(
            "custom detector label must be upper-case letters, digits and '_' but was '" + label + "'");
      }
      if (labels.put(label, Boolean.TRUE) != null || isBuiltIn(label)) {
        throw new IllegalArgumentException("custom detector label '" + label + "' is already used");
      }
      if (hint != null && hint.isEmpty()) {
        throw new IllegalArgumentException("custom detector hint must not be empty; pass null for none");
      }
      customs.add(new Custom(label, pattern, hint, mode));
      return this;
    }

    private static boolean isBuiltIn(String label) {
      for (PiiType t : TYPES) {
        if (t.name().equals(label)) {
          return true;
        }
      }
      return false;
    }

    /**
     * Builds the redactor.
     *
     * @throws IllegalStateException if a type uses {@link RedactionMode#HMAC} and no key is set
     */
    public Redactor build() {
      boolean needsKey = modes.containsValue(RedactionMode.HMAC);
      for (Custom c : customs) {
        needsKey |= c.mode() == RedactionMode.HMAC;
      }
      if (needsKey && hmacKey == null) {
        throw new IllegalStateException("RedactionMode.HMAC needs hmacKey(byte[]) to be set");
      }
      return new Redactor(this);
    }
  }

  /** A short text and what it redacts to. */
  private record Remembered(String text, String redacted) {
    /** Whether the text had nothing to redact (a scan then returns its input instance). */
    @SuppressWarnings("ReferenceEquality") // identity is what a clean scan preserves
    boolean clean() {
      return redacted == text;
    }
  }
}
