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
 * returned as the same instance after one pass.
 *
 * <p>Values hidden by an encoding are found too: where the text holds a {@code %}, a backslash,
 * an {@code &} or a non-ASCII character, the built-in detectors also scan a decoded view (URL
 * escapes, JSON and C escapes, HTML character references, full-width forms and other digits,
 * Unicode spaces and dashes, zero-width characters left out), and a finding there replaces the
 * encoded text it came from. Custom detectors see the text as it is.
 *
 * <p>For text that arrives in pieces (a stream's deltas), {@link #streaming()} holds back what
 * could be the start of a value until the rest arrives.
 *
 * <p>Immutable and thread-safe; build one and share it.
 */
// Ordinals index dense per-type arrays on the hot path; PiiType order is part of this package.
@SuppressWarnings("EnumOrdinal")
public final class Redactor {
  private static final PiiType[] TYPES = PiiType.values();
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final int MAX_PASSES = 4;
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
    return redact(Objects.requireNonNull(text, "text"), 1);
  }

  /**
   * A redaction of one text that arrives in pieces, such as a stream's deltas: each {@link
   * Stream#push push} returns the redacted text that is safe to emit so far, holding back a tail
   * that could be the start of a value whose rest has not arrived.
   */
  public Stream streaming() {
    return new Stream(this);
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
      if (!anyBuiltIn) {
        return null;
      }
      Scanner.Scan scan = scanner.scan(text, rewriters);
      Rewriter raw = (Rewriter) scan.sink();
      int encodedAt = raw == null ? scan.encodedAt() : raw.encodedAt(scan.encodedAt());
      List<Hit> decodedHits = encodedAt < 0 ? List.of() : decodedHits(text, encodedAt);
      if (decodedHits.isEmpty()) {
        return raw;
      }
      List<Hit> rawHits = raw == null ? List.of() : raw.hits();
      return rewrite(text, merge(decodedHits, rawHits, List.of()));
    }
    return rewrite(text, collect(text));
  }

  private Rewriter rewrite(String text, List<Hit> hits) {
    Rewriter rewriter = new Rewriter(text);
    for (Hit h : hits) {
      rewriter.found(h);
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
    for (Hit h : collect(text)) {
      if (!isAllowed(h.source(), h.from(), h.to())) {
        out.add(new Finding(labels[h.type()], h.start(), h.end()));
      }
    }
    return out;
  }

  /** True if {@code text} holds anything this redactor would replace. */
  public boolean containsSensitive(String text) {
    return !redact(text).equals(text);
  }

  private List<Hit> collect(String text) {
    if (!anyBuiltIn) {
      return merge(List.of(), List.of(), customHits(text));
    }
    List<Hit> raw = new ArrayList<>();
    int encodedAt = encodedAt(
        scanner.scan(text, (type, start, end) -> raw.add(new Hit(type, start, end, text, start, end))), raw);
    List<Hit> decodedHits = encodedAt < 0 ? List.of() : decodedHits(text, encodedAt);
    if (decodedHits.isEmpty() && customs.isEmpty()) {
      return raw;
    }
    return merge(decodedHits, raw, customHits(text));
  }


  /**
   * Where the first thing that may decode is: the scan's answer, or an escape inside a finding,
   * whose characters the scan does not look at one by one. So a value with an escape in it is
   * always taken from the decoded view, and gets the same pseudonym alone as beside other escapes.
   */
  private static int encodedAt(int scanned, List<Hit> raw) {
    int at = scanned;
    for (Hit h : raw) {
      int inside = Decoded.next(h.source(), h.start(), at < 0 ? h.end() : Math.min(h.end(), at));
      if (inside >= 0) {
        at = inside;
      }
    }
    return at;
  }

  /**
   * The built-in findings in decoded views of the text from {@code encodedAt} on, placed on the
   * text; the value is the decoded one. A view covers each line that holds something to decode and
   * the lines on either side of it (a value may be split across two lines), windows that touch
   * joined: so a long log with a few escapes is decoded and scanned again only around them.
   */
  private List<Hit> decodedHits(String text, int encodedAt) {
    List<Hit> hits = new ArrayList<>();
    int at = Decoded.next(text, encodedAt);
    while (at >= 0) {
      int from = lineStartBefore(text, text.lastIndexOf('\n', at) + 1);
      int to = lineEndAfter(text, lineEnd(text, at));
      // Join the next escaped line's window while it touches this one.
      for (int next = Decoded.next(text, to); next >= 0 && lineStartBefore(text, text.lastIndexOf('\n', next) + 1) <= to;
          next = Decoded.next(text, to)) {
        to = lineEndAfter(text, lineEnd(text, next));
      }
      int offset = from;
      Decoded decoded = Decoded.of(text.substring(from, to), at - from);
      if (decoded != null) {
        String view = decoded.view;
        scanner.scan(view, (type, start, end) ->
            hits.add(new Hit(type, offset + decoded.start(start), offset + decoded.end(end), view, start, end)));
      }
      at = to >= text.length() ? -1 : Decoded.next(text, to);
    }
    return hits;
  }

  /** The start of the line before the one starting at {@code lineStart} (0 for the first line). */
  private static int lineStartBefore(String s, int lineStart) {
    return lineStart == 0 ? 0 : s.lastIndexOf('\n', lineStart - 2) + 1;
  }

  /** The end of the line after the one ending at {@code lineEnd} (the text's end for the last). */
  private static int lineEndAfter(String s, int lineEnd) {
    return lineEnd >= s.length() ? s.length() : lineEnd(s, lineEnd + 1);
  }

  private List<Hit> customHits(String text) {
    List<Hit> hits = new ArrayList<>();
    for (int k = 0; k < customs.size(); k++) {
      customs.get(k).find(text, TYPES.length + k, hits);
    }
    return hits;
  }

  /**
   * The hits in text order without overlaps: of those starting together the longest wins, and of
   * equal ones the earlier list's (a decoded value names its pseudonym as the plain value does).
   */
  @SafeVarargs
  private static List<Hit> merge(List<Hit>... lists) {
    List<Hit> found = new ArrayList<>();
    for (List<Hit> l : lists) {
      found.addAll(l);
    }
    found.sort((a, b) -> a.start() != b.start() ? Integer.compare(a.start(), b.start()) : Integer.compare(b.end(), a.end()));
    List<Hit> merged = new ArrayList<>(found.size());
    int floor = 0;
    for (Hit h : found) {
      if (h.start() >= floor) {
        merged.add(h);
        floor = h.end();
      }
    }
    return merged;
  }

  /**
   * A finding at {@code [start, end)} of the text whose value is {@code source[from, to)}: the
   * text itself, or the decoded view the finding was made in.
   */
  private record Hit(int type, int start, int end, String source, int from, int to) {}

  private boolean isAllowed(CharSequence text, int start, int end) {
    if (allowed.isEmpty() && allowedPatterns.isEmpty()) {
      return false;
    }
    String value = text.subSequence(start, end).toString();
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
    /** What the scanner reported, allowed values too: (type, start, end) triples. */
    private int[] reported = NO_RANGES;
    private int reportedCount;

    Rewriter(String text) {
      this.text = text;
    }

    @Override
    public void found(int type, int start, int end) {
      if (3 * reportedCount + 3 > reported.length) {
        reported = Arrays.copyOf(reported, Math.max(12, reported.length * 2));
      }
      reported[3 * reportedCount] = type;
      reported[3 * reportedCount + 1] = start;
      reported[3 * reportedCount + 2] = end;
      reportedCount++;
      found(type, start, end, text, start, end);
    }

    /** The scanner's findings in this text, as hits. */
    /** {@code scanned}, or the first escape inside a finding before it (see {@link Redactor#encodedAt}). */
    int encodedAt(int scanned) {
      int at = scanned;
      for (int k = 0; k < reportedCount; k++) {
        int end = reported[3 * k + 2];
        int inside = Decoded.next(text, reported[3 * k + 1], at < 0 ? end : Math.min(end, at));
        if (inside >= 0) {
          at = inside;
        }
      }
      return at;
    }

    List<Hit> hits() {
      List<Hit> hits = new ArrayList<>(reportedCount);
      for (int k = 0; k < reportedCount; k++) {
        int start = reported[3 * k + 1];
        int end = reported[3 * k + 2];
        hits.add(new Hit(reported[3 * k], start, end, text, start, end));
      }
      return hits;
    }

    void found(Hit h) {
      found(h.type(), h.start(), h.end(), h.source(), h.from(), h.to());
    }

    /** Replaces {@code text[start, end)} with the replacement of the value {@code source[vFrom, vTo)}. */
    private void found(int type, int start, int end, String source, int vFrom, int vTo) {
      if (isAllowed(source, vFrom, vTo)) {
        return;
      }
      StringBuilder b = out;
      if (b == null) {
        b = new StringBuilder(text.length() + 16);
        out = b;
      }
      b.append(text, copied, start);
      int from = b.length();
      replace(type, source, vFrom, vTo, b);
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
    void find(String text, int type, List<Hit> out) {
      Matcher m = pattern.matcher(text);
      if (hint == null) {
        while (m.find()) {
          if (m.end() > m.start()) {
            out.add(new Hit(type, m.start(), m.end(), text, m.start(), m.end()));
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
          out.add(new Hit(type, idx, m.end(), text, idx, m.end()));
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

  /**
   * The redaction of one text that arrives in pieces. {@link #push} appends a piece and returns
   * the redacted text that is safe to emit so far; {@link #finish} returns the rest. A tail that
   * could be the start of a value is held back until what follows shows where it ends: the last
   * word, digit groups that may go on ({@code 4111 1111}), a secret's name and its {@code =} or
   * {@code :}, an auth scheme ({@code Bearer}), a word a hard wrap may continue, an unterminated
   * private key block. What is held is bounded (1,024 characters, a private key block 16,384); a
   * value longer than the bound may be split.
   * Concatenating everything pushed and finished gives the text redacted in pieces that no value
   * crosses. Not thread-safe: one per stream.
   */
  public static final class Stream {
    private final Redactor redactor;
    private final StringBuilder pending = new StringBuilder();
    private boolean insideKey;

    private Stream(Redactor redactor) {
      this.redactor = redactor;
    }

    /** Appends {@code piece} and returns the redacted text safe to emit now, possibly empty. */
    public String push(CharSequence piece) {
      pending.append(Objects.requireNonNull(piece, "piece"));
      return skipKeyBody() ? emit(Holdback.start(pending)) : "";
    }

    /** Returns the redacted rest of the text; the stream is empty afterwards and may be reused. */
    public String finish() {
      String out = skipKeyBody() ? emit(pending.length()) : "";
      pending.setLength(0);
      insideKey = false;
      return out;
    }

    /**
     * False while the body of a private key block whose head was already emitted (as {@code
     * <PRIVATE_KEY>}, when the block outgrew the bound) is still arriving: it is dropped.
     */
    private boolean skipKeyBody() {
      if (!insideKey) {
        return true;
      }
      int end = Holdback.keyBlockEnd(pending);
      if (end < 0) {
        pending.delete(0, Math.max(0, pending.length() - Holdback.END_MARKER_CHARS));
        return false;
      }
      pending.delete(0, end);
      insideKey = false;
      return true;
    }

    /** The redaction of {@code pending[0, cut)}, which is no longer pending. */
    private String emit(int cut) {
      if (cut == 0) {
        return "";
      }
      String piece = pending.substring(0, cut);
      pending.delete(0, cut);
      insideKey = Holdback.opensKeyBlock(piece);
      return redactor.redact(piece);
    }
  }
}
