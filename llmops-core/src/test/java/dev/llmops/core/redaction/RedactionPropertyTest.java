package dev.llmops.core.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Invariants of the redactor over generated text mixing prose, look-alikes and sensitive values. */
class RedactionPropertyTest {
  static final Redactor TAGS = Redactor.defaults();
  static final Redactor MASKS = Redactor.builder().modeForAll(RedactionMode.MASK).build();
  static final Redactor HMACS = Redactor.builder()
      .modeForAll(RedactionMode.HMAC)
      .hmacKey("a-test-key-of-enough-bytes".getBytes(StandardCharsets.UTF_8))
      .build();

  @Property(tries = 1000)
  void redactionIsIdempotentInEveryMode(@ForAll("texts") String text) {
    for (Redactor r : List.of(TAGS, MASKS, HMACS)) {
      String once = r.redact(text);
      assertThat(r.redact(once)).as("second pass over %s", once).isEqualTo(once);
    }
  }

  @Property(tries = 300)
  void embeddedSecretsNeverSurvive(
      @ForAll("prose") String before, @ForAll("secrets") String secret, @ForAll("prose") String after) {
    String text = before + " " + secret + " " + after;
    for (Redactor r : List.of(TAGS, MASKS, HMACS)) {
      assertThat(r.redact(text)).doesNotContain(secret);
    }
  }

  @Property(tries = 300)
  void encodedSecretsNeverSurvive(
      @ForAll("prose") String before, @ForAll("encodedSecrets") String secret, @ForAll("prose") String after) {
    String text = before + " " + secret + " " + after;
    for (Redactor r : List.of(TAGS, MASKS, HMACS)) {
      assertThat(r.redact(text)).doesNotContain(secret);
    }
  }

  /**
   * Encoded values are decoded around the lines that hold them: a log of paragraphs (which no
   * value spans) redacts exactly as its paragraphs do one by one, wherever the escapes are.
   */
  @Property(tries = 300)
  void aLogRedactsAsItsParagraphsDo(@ForAll("logs") List<String> lines) {
    String log = String.join("\n\n", lines);
    for (Redactor r : List.of(TAGS, HMACS)) {
      List<String> oneByOne = lines.stream().map(r::redact).toList();
      assertThat(r.redact(log)).as("lines %s", lines).isEqualTo(String.join("\n\n", oneByOne));
      assertThat(r.find(log)).as("lines %s", lines).hasSize(lines.stream().mapToInt(l -> r.find(l).size()).sum());
    }
  }

  @Provide
  Arbitrary<List<String>> logs() {
    Arbitrary<String> line = Arbitraries.oneOf(prose(), texts());
    return line.list().ofMinSize(1).ofMaxSize(12);
  }

  /** Findings lie inside the text, in order, without overlaps; none extends past the input. */
  @Property(tries = 500)
  void findingsAreOrderedDisjointSpansOfTheInput(@ForAll("texts") String text) {
    int floor = 0;
    for (Finding f : TAGS.find(text)) {
      assertThat(f.start()).as("%s in %s", f, text).isGreaterThanOrEqualTo(floor);
      assertThat(f.end()).as("%s in %s", f, text).isGreaterThan(f.start()).isLessThanOrEqualTo(text.length());
      floor = f.end();
    }
  }

  /**
   * A text changes exactly when something is found in it. (Where it changes is not only at the
   * findings: replacing one can expose another next to it, which the next pass takes.)
   */
  @Property(tries = 500)
  void redactionChangesTheTextExactlyWhenSomethingIsFound(@ForAll("texts") String text) {
    List<Finding> found = TAGS.find(text);
    String redacted = TAGS.redact(text);
    assertThat(redacted.equals(text)).as("redact(%s) = %s with %s", text, redacted, found).isEqualTo(found.isEmpty());
    assertThat(TAGS.containsSensitive(text)).isEqualTo(!found.isEmpty());
  }

  /** Text in which nothing is found comes back as the caller's own instance. */
  @Property(tries = 300)
  void cleanTextComesBackAsTheSameInstance(@ForAll("prose") String text) {
    String copy = new String(text.toCharArray());
    String redacted = TAGS.redact(copy);
    if (TAGS.find(copy).isEmpty()) {
      assertThat(redacted).isSameAs(copy);
    }
  }

  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> fragment = Arbitraries.oneOf(prose(), secrets(), lookalikes(), punctuation(), encodedSecrets());
    return fragment.list().ofMinSize(1).ofMaxSize(12).map(parts -> String.join("", parts));
  }

  @Provide
  Arbitrary<String> prose() {
    return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789.,:").ofMaxLength(30);
  }

  static Arbitrary<String> punctuation() {
    return Arbitraries.of(" ", "@", ":", "::", "=", "-", "+", "(", ")", ".", "\"", "'", "\n", "_", "#", "<", ">");
  }

  static Arbitrary<String> lookalikes() {
    return Arbitraries.of(
        "1.2.3", "10:30:45", "2024-01-15", "a::b", "std::vector", "user@", "@host", "sk-", "AKIA",
        "key:", "password", "token=", "eyJ", "-----BEGIN", "(415", "+1", "DE89", "3.14159", "EMAIL#",
        "<EMAIL>", "***@", "****", "%40", "%2", "&#64;", "&amp;", "&#", "\\u0040", "\\n", "\\", "\uff20",
        "\uff14\uff11", "\u00a0", "\u200b", "%25", "&commat", "\u00e9");
  }

  /** Secrets in the encodings and forms of issue 15. */
  @Provide
  static Arbitrary<String> encodedSecrets() {
    return Combinators.combine(secrets(), Arbitraries.integers().between(0, 6)).as(RedactionPropertyTest::encode);
  }

  static String encode(String secret, int how) {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < secret.length(); k++) {
      char c = secret.charAt(k);
      boolean plain = Character.isLetterOrDigit(c);
      switch (how) {
        case 0 -> b.append(plain ? String.valueOf(c) : String.format("%%%02X", (int) c));
        case 1 -> b.append(plain ? String.valueOf(c) : "&#" + (int) c + ";");
        case 2 -> b.append(plain ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        case 3 -> b.append(c > ' ' && c < 127 ? (char) (c + 0xFEE0) : c);
        case 4 -> b.append(c).append(k % 3 == 2 && k < secret.length() - 1 ? "\u200b" : "");
        case 5 -> b.append(c == ' ' ? '\u00a0' : c);
        default -> b.append(plain ? String.valueOf(c) : String.format("%%25%02X", (int) c));
      }
    }
    return b.toString();
  }

  @Provide
  static Arbitrary<String> secrets() {
    Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10);
    Arbitrary<String> email = Combinators.combine(word, word, Arbitraries.of("com", "org", "io", "co.uk"))
        .as((u, d, t) -> u + "@" + d + "." + t);
    Arbitrary<String> phone = Arbitraries.longs().between(2_000_000_000L, 9_999_999_999L)
        .map(n -> {
          String s = Long.toString(n);
          return "+1 " + s.substring(0, 3) + " " + s.substring(3, 6) + " " + s.substring(6);
        });
    Arbitrary<String> card = Arbitraries.longs().between(400_000_000_000_000L, 499_999_999_999_999L)
        .map(n -> withLuhn(Long.toString(n)));
    Arbitrary<String> ssn = Arbitraries.integers().between(1, 665)
        .flatMap(a -> Arbitraries.integers().between(1, 99).flatMap(g -> Arbitraries.integers().between(1, 9999)
            .map(s -> String.format("%03d-%02d-%04d", a, g, s))));
    Arbitrary<String> ipv4 = Arbitraries.integers().between(0, 255).list().ofSize(4)
        .map(l -> l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
    Arbitrary<String> token = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
        .withCharRange('0', '9').ofMinLength(40).ofMaxLength(48)
        // Real keys are random; runs of one character are placeholders the detectors leave alone.
        .filter(t -> t.chars().anyMatch(Character::isDigit) && t.chars().distinct().count() >= 8);
    Arbitrary<String> keys = Combinators.combine(
            Arbitraries.of("sk-proj-", "sk-ant-api03-", "ghp_", "glpat-", "sk_live_", "xoxb-1234-"), token)
        .as((p, t) -> p + t);
    Arbitrary<String> aws = Arbitraries.strings().withCharRange('A', 'Z').withCharRange('2', '7').ofLength(16)
        .filter(t -> t.chars().distinct().count() >= 6).map(t -> "AKIA" + t);
    Arbitrary<String> password = token.map(t -> "password=" + t.substring(0, 12));
    Arbitrary<String> iban = Arbitraries.of("DE89370400440532013000", "GB82WEST12345698765432", "FR1420041010050500013M02606");
    return Arbitraries.oneOf(email, phone, card, ssn, ipv4, keys, aws, password, iban);
  }

  static String withLuhn(String payload) {
    for (int d = 0; d <= 9; d++) {
      String candidate = payload + d;
      if (Checks.luhn(candidate, 0, candidate.length())) {
        return candidate;
      }
    }
    throw new AssertionError("unreachable");
  }
}
