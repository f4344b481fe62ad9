package dev.llmops.core.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.event.Level;

/** {@link Redactor#streaming()}: values whose parts arrive in different pieces (issue 15). */
class StreamingRedactionTest {
  private static final Redactor REDACTOR = Redactor.defaults();
  private static final String KEY = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";

  /** Each text, the two pieces it arrives in, and a part of the value neither piece may show. */
  static Stream<Arguments> splitValues() {
    return Stream.of(
        Arguments.of("key " + KEY.substring(0, 20), KEY.substring(20) + " ok", "Op5qRs8tUv1wXy4z"),
        Arguments.of("key " + KEY.substring(0, 5), KEY.substring(5) + " ok", "Ab3dEf6hIj"),
        Arguments.of("card 4111 1111 ", "1111 1111 thanks", "4111 1111"),
        Arguments.of("card 4111 1111", " 1111 1111 thanks", "4111 1111"),
        Arguments.of("card 41111111", "11111111 thanks", "41111111"),
        Arguments.of("mail jane.doe@exa", "mple.com today", "jane.doe"),
        Arguments.of("call +1 415 ", "555 0132 now", "+1 415"),
        Arguments.of("call (415) ", "555-0132 now", "(415)"),
        Arguments.of("iban DE89 3704 0044", " 0532 0130 00 saved", "DE89 3704"),
        Arguments.of("iban GB82 WEST ", "1234 5698 7654 32 saved", "GB82 WEST"),
        Arguments.of("config password", "=hunter22 done", "hunter22"),
        Arguments.of("config password =", " hunter22 done", "hunter22"),
        Arguments.of("config \"api_key\": ", "\"Zk3xQ9vR7tL2mN8pW4sY\" done", "Zk3xQ9vR7tL2mN8pW4sY"),
        Arguments.of("Authorization: Bearer ", "abcdefghijklmnop1234 done", "abcdefghijklmnop1234"),
        Arguments.of("ssn 078-05-", "1123 ok", "078-05"),
        Arguments.of("ip 192.168.", "0.1 ok", "192.168"),
        Arguments.of("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx", "MjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U ok", "eyJhbGciOiJIUzI1NiJ9"),
        Arguments.of("key sk-proj-Ab3dEf6hIj9kLm2n\n", "Op5qRs8tUv1wXy4z\nthanks", "Op5qRs8tUv1wXy4z"),
        Arguments.of("card 4111 1111\n", "1111 1111 ok", "4111 1111"),
        Arguments.of("k:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n", "q9x8y7w6\n-----END RSA PRIVATE KEY-----\nafter", "MIIEowIBAAKCAQEA"),
        Arguments.of("mail jane%40exa", "mple.com today", "jane"));
  }

  @ParameterizedTest(name = "{0} | {1}")
  @MethodSource("splitValues")
  void aValueSplitAcrossTwoPiecesNeverShows(String first, String second, String part) {
    Redactor.Stream stream = REDACTOR.streaming();
    String a = stream.push(first);
    String b = stream.push(second);
    String c = stream.finish();

    assertThat(List.of(a, b, c)).allSatisfy(piece -> assertThat(piece).doesNotContain(part));
    assertThat(a + b + c).isEqualTo(REDACTOR.redact(first + second));
  }

  @Test
  void textBeforeAHeldValueIsEmittedAtOnce() {
    Redactor.Stream stream = REDACTOR.streaming();
    assertThat(stream.push("Hello there, your key is sk-proj-Ab3dE")).isEqualTo("Hello there, your key is ");
    assertThat(stream.push("f6hIj9kLm2nOp5qRs8tUv1wXy4z and more")).isEqualTo("<API_KEY> and ");
    assertThat(stream.finish()).isEqualTo("more");
    assertThat(stream.finish()).isEmpty();
  }

  @Test
  void whatIsHeldIsBounded() {
    Redactor.Stream stream = REDACTOR.streaming();
    StringBuilder emitted = new StringBuilder();
    String word = "x".repeat(3000);
    emitted.append(stream.push("start " + word));
    assertThat(emitted.toString()).as("a word longer than the bound is let go").isEqualTo("start " + word);

    Redactor.Stream joined = REDACTOR.streaming();
    StringBuilder out = new StringBuilder();
    for (int k = 0; k < 600; k++) {
      out.append(joined.push("a= "));
    }
    assertThat(out.length()).as("parts that could join on and on are emitted past the bound")
        .isGreaterThanOrEqualTo(600 * 3 - Holdback.MAX_HOLD);
    out.append(joined.finish());
    assertThat(out.toString()).isEqualTo("a= ".repeat(600));
  }

  @Test
  void aPrivateKeyBlockLongerThanTheBoundIsDroppedToItsEnd() {
    Redactor.Stream stream = REDACTOR.streaming();
    StringBuilder out = new StringBuilder(stream.push("k:\n-----BEGIN PRIVATE KEY-----\n"));
    String line = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n";
    for (int k = 0; k < 400; k++) {
      out.append(stream.push(line));
    }
    out.append(stream.push("-----END PRIVATE"));
    out.append(stream.push(" KEY-----\nafter the key"));
    out.append(stream.finish());

    assertThat(out.toString()).isEqualTo("k:\n<PRIVATE_KEY>\nafter the key").doesNotContain("MIIE");
  }

  @Test
  void aRedactingLoggerThatLogsDeltasNeverPrintsHalfAValue() {
    RecordingSlf4jLogger backend = new RecordingSlf4jLogger(Level.DEBUG);
    RedactingLogger log = RedactingLogger.of(backend, REDACTOR);
    List<String> deltas = List.of("Sure, the card is 4111 ", "1111 1111 1111 and the key ", KEY.substring(0, 12),
        KEY.substring(12), ". Anything else?");
    Redactor.Stream stream = REDACTOR.streaming();
    for (String delta : deltas) {
      String safe = stream.push(delta);
      if (!safe.isEmpty()) {
        log.debug("delta {}", safe);
      }
    }
    log.debug("delta {}", stream.finish());

    List<String> printed = new ArrayList<>();
    for (RecordingSlf4jLogger.Line line : backend.lines) {
      @Nullable Object arg = line.args().get(0);
      printed.add(String.valueOf(arg));
    }
    assertThat(String.join("", printed))
        .isEqualTo("Sure, the card is <CREDIT_CARD> and the key <API_KEY>. Anything else?");
    assertThat(printed).noneMatch(p -> p.contains("4111") || p.contains(KEY.substring(0, 12)) || p.contains(KEY.substring(12)));
  }

  /** However a text is cut into pieces, the stream emits what redacting it whole gives. */
  @Property(tries = 500)
  void piecesRedactAsTheWholeText(@ForAll("texts") String text, @ForAll("cuts") List<Integer> cuts) {
    Redactor.Stream stream = REDACTOR.streaming();
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (int cut : cuts.stream().map(c -> Math.min(c, text.length())).sorted().toList()) {
      out.append(stream.push(text.substring(from, Math.max(from, cut))));
      from = Math.max(from, cut);
    }
    out.append(stream.push(text.substring(from)));
    out.append(stream.finish());
    assertThat(out.toString()).isEqualTo(REDACTOR.redact(text));
  }

  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> word = Arbitraries.oneOf(
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8),
        Arbitraries.of("the", "card", "key", "password", "=", ":", "Bearer", "12", "4.2", "(415)", "+1", "DE89"),
        RedactionPropertyTest.secrets());
    Arbitrary<String> gap = Arbitraries.of(" ", " ", " ", "\n", "  ", ", ", ". ");
    return net.jqwik.api.Combinators.combine(word.list().ofMinSize(1).ofMaxSize(15), gap.list().ofSize(15))
        .as((words, gaps) -> {
          StringBuilder b = new StringBuilder();
          for (int k = 0; k < words.size(); k++) {
            b.append(words.get(k)).append(gaps.get(k));
          }
          return b.toString();
        });
  }

  @Provide
  Arbitrary<List<Integer>> cuts() {
    return Arbitraries.integers().between(0, 300).list().ofMaxSize(8);
  }
}
