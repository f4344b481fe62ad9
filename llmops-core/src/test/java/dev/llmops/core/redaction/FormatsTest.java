package dev.llmops.core.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Formats the detectors did not accept (issue 15): cards written with dots, lower-case IBANs,
 * GitLab tokens without a digit, a full IPv6 address followed by a period when its last group is
 * short, and values a hard wrap split across two lines.
 */
class FormatsTest {
  private static final Redactor REDACTOR = Redactor.defaults();

  static Stream<Arguments> dottedCards() {
    return Stream.of(
        Arguments.of("card 4111.1111.1111.1111 ok", "card <CREDIT_CARD> ok"),
        Arguments.of("card 5500.0000.0000.0004.", "card <CREDIT_CARD>."),
        Arguments.of("amex 3782.822463.10005", "amex <CREDIT_CARD>"),
        Arguments.of("visa 4012.8888.8888.1881", "visa <CREDIT_CARD>"),
        Arguments.of("discover 6011.1111.1111.1117;", "discover <CREDIT_CARD>;"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dottedCards")
  void cardsWrittenWithDots(String input, String expected) {
    assertThat(REDACTOR.redact(input)).isEqualTo(expected);
  }

  static Stream<String> dottedNonCards() {
    return Stream.of(
        "pi 3.14159265358979", "ratio 1.0000000000000002", "card 4111.1111.1111.1112", "v 1.2.3.4",
        "ip 4111.1111.1111.1111.1111");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dottedNonCards")
  void decimalsAndBadChecksumsWithDotsAreNoCards(String input) {
    assertThat(REDACTOR.find(input)).extracting(Finding::type).doesNotContain("CREDIT_CARD");
  }

  static Stream<Arguments> lowerCaseIbans() {
    return Stream.of(
        Arguments.of("iban de89 3704 0044 0532 0130 00 thanks", "iban <IBAN> thanks"),
        Arguments.of("iban de89370400440532013000", "iban <IBAN>"),
        Arguments.of("iban gb82west12345698765432.", "iban <IBAN>."),
        Arguments.of("iban gb82 west 1234 5698 7654 32", "iban <IBAN>"),
        Arguments.of("iban fr14 2004 1010 0505 0001 3m02 606", "iban <IBAN>"),
        Arguments.of("iban nl91abna0417164300", "iban <IBAN>"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lowerCaseIbans")
  void ibansInLowerCase(String input, String expected) {
    assertThat(REDACTOR.redact(input)).isEqualTo(expected);
  }

  static Stream<String> lowerCaseNonIbans() {
    return Stream.of(
        "iban de89 3704 0044 0532 0130 01", "iban gb82west12345698765433", "de89 is a code", "ab12 3456",
        "iban zz89370400440532013000", "iban De89370400440532013000", "LV80 bANK 0000 4351 9500 1",
        "gb82 WEST 1234 5698 7654 32");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lowerCaseNonIbans")
  void mixedCaseOrInvalidTextIsNoIban(String input) {
    assertThat(REDACTOR.find(input)).extracting(Finding::type).doesNotContain("IBAN");
  }

  static Stream<Arguments> gitLabTokens() {
    return Stream.of(
        Arguments.of("gl glpat-abcdefghijKLMNOPqrstuvwxyz ok", "gl <API_KEY> ok"),
        Arguments.of("gl glpat-AbCdEfGhIjKlMnOpQrSt_-Uv", "gl <API_KEY>"),
        Arguments.of("deploy gldt-qwertyUIOPasdfghJKLzxcv", "deploy <API_KEY>"),
        Arguments.of("runner glrt-tQbwXkRmNpLsVhYjZcGdFe.", "runner <API_KEY>."),
        Arguments.of("trigger glptt-abcdefabcdefabcdeffedcbafedcbafedcbafedc", "trigger <API_KEY>"),
        Arguments.of("feed glft-mNbVcXzLkJhGfDsAqWeRt", "feed <API_KEY>"),
        Arguments.of("gl glpat-abc123defghij456klmnopq", "gl <API_KEY>"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gitLabTokens")
  void gitLabTokensWithOrWithoutADigit(String input, String expected) {
    assertThat(REDACTOR.redact(input)).isEqualTo(expected);
  }

  static Stream<String> gitLabLookalikes() {
    return Stream.of(
        "glpat-xxxxxxxxxxxxxxxxxxxxxxxx", "global-configuration-settings-enabled", "glpat-short",
        "glossary-of-terms-and-definitions-here", "glxx-abcdefghijKLMNOPqrstuvwxyz");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gitLabLookalikes")
  void gitLabLookalikesAreNoKeys(String input) {
    assertThat(REDACTOR.find(input)).isEmpty();
  }

  static Stream<Arguments> ipv6BeforeAPeriod() {
    return Stream.of(
        Arguments.of("from 2001:db8:0:0:0:0:2:1.", "from <IP_ADDRESS>."),
        Arguments.of("from 684D:1111:222:3333:4444:5555:6:77. Then", "from <IP_ADDRESS>. Then"),
        Arguments.of("from fe80:0:0:0:202:b3ff:fe1e:8.", "from <IP_ADDRESS>."),
        Arguments.of("from 2001:db8::1.", "from <IP_ADDRESS>."),
        Arguments.of("from 2001:db8:0:0:0:0:2:123.", "from <IP_ADDRESS>."),
        Arguments.of("mapped ::ffff:192.0.2.1.", "mapped <IP_ADDRESS>."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ipv6BeforeAPeriod")
  void ipv6AddressesFollowedByAPeriod(String input, String expected) {
    assertThat(REDACTOR.redact(input)).isEqualTo(expected);
  }

  static Stream<Arguments> wrappedValues() {
    return Stream.of(
        Arguments.of("card 4111 1111\n1111 1111 ok", "card <CREDIT_CARD> ok"),
        Arguments.of("card 4111 1111 1111\r\n1111", "card <CREDIT_CARD>"),
        Arguments.of("key sk-proj-Ab3dEf6hIj9kLm2n\nOp5qRs8tUv1wXy4z\nthanks", "key <API_KEY>\nthanks"),
        Arguments.of("key sk-proj-Ab3dEf\nxyz6hIj9kLm2nOp5qRs8tUv1wXy4z end", "key <API_KEY> end"),
        Arguments.of("gh ghp_A1b2C3d4E5f6G7h8I9j0\r\nK1l2M3n4O5p6Q7r8", "gh <API_KEY>"),
        Arguments.of("iban DE89 3704 0044\n0532 0130 00", "iban <IBAN>"),
        Arguments.of("key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z\nThanks a lot", "key <API_KEY>\nThanks a lot"),
        Arguments.of("key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z\nthe end", "key <API_KEY>\nthe end"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrappedValues")
  void valuesAHardWrapSplitAcrossTwoLines(String input, String expected) {
    assertThat(REDACTOR.redact(input)).isEqualTo(expected);
  }

  static Stream<String> numbersOnSeparateLines() {
    return Stream.of("2019\n2020\n2021\n2022", "1234\n5678", "year 2024\n2025 budget", "4111\n\n1111 1111 1111");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("numbersOnSeparateLines")
  void numbersOnSeparateLinesAreNotJoined(String input) {
    assertThat(REDACTOR.find(input)).isEmpty();
  }
}
