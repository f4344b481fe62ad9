package dev.llmops.core.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Values hidden by the encodings that logs and payloads use (issue 15): URL escapes, JSON and C
 * escapes, HTML character references, and the same value encoded twice. Each input leaked before
 * the decoded view.
 */
class EncodedValuesTest {
  private static final Redactor REDACTOR = Redactor.defaults();
  private static final String KEY = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";

  static Stream<Arguments> urlEncoded() {
    return Stream.of(
        Arguments.of("to=jane.doe%40example.com&x=1", "to=<EMAIL>&x=1"),
        Arguments.of("/reset?email=ann%2Bnews%40example.co.uk", "/reset?email=<EMAIL>"),
        Arguments.of("q=jane%2Edoe%40example%2Ecom", "q=<EMAIL>"),
        Arguments.of("u=JANE%40EXAMPLE.ORG;", "u=<EMAIL>;"),
        Arguments.of("card%3D4111111111111111", "card%3D<CREDIT_CARD>"),
        Arguments.of("tel%3A%2B14155550132", "tel%3A<PHONE>"),
        Arguments.of("f=key%3D" + KEY, "f=key%3D<SECRET>"),
        Arguments.of("next%3D" + KEY + "%26a%3D1", "next%3D<API_KEY>%26a%3D1"),
        Arguments.of("password%3Dhunter22%26next%3D1", "password%3D<SECRET>%26next%3D1"),
        Arguments.of("ip%3D10.1.2.3", "ip%3D<IP_ADDRESS>"),
        Arguments.of("iban%3DDE89370400440532013000", "iban%3D<IBAN>"),
        Arguments.of("ssn%3A078-05-1123", "ssn%3A<US_SSN>"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("urlEncoded")
  void urlEscapesAreDecodedBeforeScanning(String input, String expected) {
    assertThat(REDACTOR.redact(input)).isEqualTo(expected);
  }

  static Stream<Arguments> jsonEscaped() {
    return Stream.of(
        Arguments.of("{\"email\":\"jane\\u0040example.com\"}", "{\"email\":\"<EMAIL>\"}"),
        Arguments.of("{\"email\":\"jane\\u0040example\\u002ecom\"}", "{\"email\":\"<EMAIL>\"}"),
        Arguments.of("{\"text\":\"my key:\\n" + KEY + "\\nthanks\"}", "{\"text\":\"my key:\\n<API_KEY>\\nthanks\"}"),
        Arguments.of("\"a\":\"x\\nAKIAIOSFODNN7EXAMPLE\"", "\"a\":\"x\\n<API_KEY>\""),
        Arguments.of("\"a\":\"x\\tghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8\"", "\"a\":\"x\\t<API_KEY>\""),
        Arguments.of("\"a\":\"x\\r\\n4111 1111 1111 1111\"", "\"a\":\"x\\r\\n<CREDIT_CARD>\""),
        Arguments.of("\"body\":\"{\\\"password\\\": \\\"hunter22!\\\"}\"", "\"body\":\"{\\\"password\\\": \\\"<SECRET>\\\"}\""),
        Arguments.of("repr: 'jane\\x40example.com'", "repr: '<EMAIL>'"),
        Arguments.of("\"url\":\"https:\\/\\/hooks.slack.com\\/services\\/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\"",
            "\"url\":\"https:\\/\\/<API_KEY>\""),
        Arguments.of("\"msg\":\"call \\u002B1 415 555 0132\"", "\"msg\":\"call <PHONE>\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jsonEscaped")
  void jsonAndCEscapesAreDecodedBeforeScanning(String input, String expected) {
    assertThat(REDACTOR.redact(input)).isEqualTo(expected);
  }

  static Stream<Arguments> htmlEntities() {
    return Stream.of(
        Arguments.of("<td>jane&#64;example.com</td>", "<td><EMAIL></td>"),
        Arguments.of("<td>jane&#x40;example.com</td>", "<td><EMAIL></td>"),
        Arguments.of("<td>jane&commat;example.com</td>", "<td><EMAIL></td>"),
        Arguments.of("mailto:jane&period;doe&commat;example&period;com", "mailto:<EMAIL>"),
        Arguments.of("<p>jane&amp;#64;example.com</p>", "<p><EMAIL></p>"),
        Arguments.of("card 4111&#32;1111&#32;1111&#32;1111", "card <CREDIT_CARD>"),
        Arguments.of("tel +1&nbsp;415&nbsp;555&nbsp;0132", "tel <PHONE>"),
        Arguments.of("Authorization:&#32;Bearer&#32;abcdefghijklmnop1234", "Authorization:&#32;Bearer&#32;<SECRET>"),
        Arguments.of("a=1&amp;password&#61;hunter22", "a=1&amp;password&#61;<SECRET>"),
        Arguments.of("a=1&amp;token&equals;" + KEY, "a=1&amp;token&equals;<SECRET>"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("htmlEntities")
  void htmlCharacterReferencesAreDecodedBeforeScanning(String input, String expected) {
    assertThat(REDACTOR.redact(input)).isEqualTo(expected);
  }

  static Stream<Arguments> encodedTwice() {
    return Stream.of(
        Arguments.of("e=jane%2540example.com", "e=<EMAIL>"),
        Arguments.of("{\"q\":\"jane%40example.com\"}", "{\"q\":\"<EMAIL>\"}"),
        Arguments.of("\"h\":\"jane&#64;example.com\"", "\"h\":\"<EMAIL>\""),
        Arguments.of("\"j\":\"jane\\\\u0040example.com\"", "\"j\":\"<EMAIL>\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("encodedTwice")
  void aValueEncodedTwiceIsFoundToo(String input, String expected) {
    assertThat(REDACTOR.redact(input)).isEqualTo(expected);
  }

  static Stream<String> notEncodedValues() {
    return Stream.of(
        "growth was 12% in Q3 and 100%ok", "a=1&b=2&c=3", "C:\\temp\\new folder", "50%2 off", "&unknown; &#; &#xZZ;",
        "escaped \\q and \\u12 and %4", "caf\u00e9 na\u00efve r\u00e9sum\u00e9", "&#0; &#99999999;", "100%", "\\");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notEncodedValues")
  void textThatOnlyLooksEncodedIsLeftAsItIs(String input) {
    assertThat(REDACTOR.redact(input)).isSameAs(input);
    assertThat(REDACTOR.find(input)).isEmpty();
  }

  @Test
  void encodedValuesDeepInALongLogAreFoundWhereTheyAre() {
    StringBuilder log = new StringBuilder();
    for (int i = 0; i < 2_000; i++) {
      log.append("line ").append(i).append(": GET /api/items?page=").append(i).append(" 200\n");
    }
    int at = log.length() + "x ".length();
    log.append("x jane%40example.com y\n");
    for (int i = 0; i < 500; i++) {
      log.append(i % 7 == 0 ? "q=caf%C3%A9 ok\n" : "plain line\n");
    }
    log.append("card 4111&#32;1111&#32;1111&#32;1111\n");

    assertThat(REDACTOR.find(log.toString())).extracting(Finding::type).containsExactly("EMAIL", "CREDIT_CARD");
    assertThat(REDACTOR.find(log.toString()).get(0)).isEqualTo(new Finding("EMAIL", at, at + 18));
  }

  @Test
  void aValueWithAnEscapeInsideGetsOnePseudonymWhateverIsBesideIt() {
    Redactor hmacs = Redactor.builder().modeForAll(RedactionMode.HMAC)
        .hmacKey("0123456789abcdef0123".getBytes(StandardCharsets.UTF_8)).build();
    String line = "password=aaaaaaaaaatU664%2D01%2D9999";
    String alone = hmacs.redact(line);
    assertThat(hmacs.redact("%40\n\n" + line)).isEqualTo("%40\n\n" + alone);
    assertThat(hmacs.redact("password=aaaaaaaaaatU664-01-9999")).isEqualTo(alone);
  }

  @Test
  void anEncodedValueAHardWrapSplitAcrossTwoLinesIsFound() {
    assertThat(REDACTOR.redact("card 4111&#32;1111\n1111&#32;1111 ok")).isEqualTo("card <CREDIT_CARD> ok");
    assertThat(REDACTOR.redact("first\nsecond\nkey sk-proj-Ab3dEf6hIj9kLm2n\nOp5qRs8tUv1wXy4z%20\nthanks"))
        .isEqualTo("first\nsecond\nkey <API_KEY>%20\nthanks");
  }

  @Test
  void findingsOfDecodedValuesCoverTheWholeEscapes() {
    String text = "x jane%40example.com y";
    assertThat(REDACTOR.find(text)).containsExactly(new Finding("EMAIL", 2, 20));
    String json = "\"t\":\"a\\n" + KEY + "\"";
    assertThat(REDACTOR.find(json)).containsExactly(new Finding("API_KEY", 8, 8 + KEY.length()));
  }

  @Test
  void masksAndPseudonymsAreMadeOfTheDecodedValue() {
    Redactor masks = Redactor.builder().modeForAll(RedactionMode.MASK).build();
    assertThat(masks.redact("e=jane%40example.com")).isEqualTo("e=***@example.com");
    assertThat(masks.redact("c=4111&#32;1111&#32;1111&#32;1111")).isEqualTo("c=**** **** **** 1111");

    byte[] key = "0123456789abcdef0123".getBytes(StandardCharsets.UTF_8);
    Redactor hmacs = Redactor.builder().mode(PiiType.EMAIL, RedactionMode.HMAC).hmacKey(key).build();
    String plain = hmacs.redact("jane@example.com");
    assertThat(plain).matches("<EMAIL#[0-9a-f]{12}>");
    assertThat(hmacs.redact("jane%40example.com")).isEqualTo(plain);
    assertThat(hmacs.redact("jane&#64;example.com")).isEqualTo(plain);
    assertThat(hmacs.redact("jane\\u0040example.com")).isEqualTo(plain);
  }

  @Test
  void theAllowListSeesTheDecodedValue() {
    Redactor r = Redactor.builder().allow("support@example.com").build();
    assertThat(r.redact("a support%40example.com b jane%40example.com"))
        .isEqualTo("a support%40example.com b <EMAIL>");
  }

  @Test
  void customDetectorsSeeTheTextAsItIsBesideDecodedBuiltInFindings() {
    Redactor r = Redactor.builder()
        .custom("EMPLOYEE_ID", java.util.regex.Pattern.compile("EMP-\\d{6}"), "EMP-")
        .build();
    assertThat(r.redact("EMP-123456 wrote jane%40example.com"))
        .isEqualTo("<EMPLOYEE_ID> wrote <EMAIL>");
    assertThat(r.find("EMP-123456 wrote jane%40example.com"))
        .containsExactly(new Finding("EMPLOYEE_ID", 0, 10), new Finding("EMAIL", 17, 35));
  }
}
