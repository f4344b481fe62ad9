package dev.llmops.core.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Values written with non-ASCII forms (issue 15): full-width letters, digits and {@code ＠}, other
 * decimal digits, non-breaking, thin and ideographic spaces and Unicode dashes as separators, and
 * zero-width characters inside a value. Each input leaked before the decoded view.
 */
class UnicodeFormsTest {
  private static final Redactor REDACTOR = Redactor.defaults();

  static Stream<Arguments> fullWidth() {
    return Stream.of(
        Arguments.of("mail ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ now", "mail <EMAIL> now"),
        Arguments.of("mail jane＠example.com now", "mail <EMAIL> now"),
        Arguments.of("card ４１１１ １１１１ １１１１ １１１１", "card <CREDIT_CARD>"),
        Arguments.of("card ４１１１１１１１１１１１１１１１.", "card <CREDIT_CARD>."),
        Arguments.of("tel ＋１ ４１５ ５５５ ０１３２", "tel <PHONE>"),
        Arguments.of("ssn ０７８－０５－１１２３", "ssn <US_SSN>"),
        Arguments.of("ip １９２．１６８．０．１", "ip <IP_ADDRESS>"),
        Arguments.of("key ｓｋ－ｐｒｏｊ－Ａｂ３ｄＥｆ６ｈＩｊ９ｋＬｍ２ｎＯｐ５ｑＲｓ８ｔＵｖ１ｗＸｙ４ｚ", "key <API_KEY>"),
        Arguments.of("password＝hunter22", "password＝<SECRET>"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fullWidth")
  void fullWidthFormsAreReadAsAscii(String input, String expected) {
    assertThat(REDACTOR.redact(input)).isEqualTo(expected);
  }

  static Stream<Arguments> otherDigits() {
    return Stream.of(
        Arguments.of("card \u0664\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661", "card <CREDIT_CARD>"),
        Arguments.of("tel \u0966\u096f-\u096d\u096c\u0968\u096b\u096a\u0966\u0966", "tel <PHONE>"),
        Arguments.of("ssn \u06f0\u06f7\u06f8-\u06f0\u06f5-\u06f1\u06f1\u06f2\u06f3", "ssn <US_SSN>"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("otherDigits")
  void decimalDigitsOfOtherScriptsAreReadAsDigits(String input, String expected) {
    assertThat(REDACTOR.redact(input)).isEqualTo(expected);
  }

  static Stream<Arguments> unicodeSeparators() {
    return Stream.of(
        Arguments.of("card 4111\u00a01111\u00a01111\u00a01111 ok", "card <CREDIT_CARD> ok"),
        Arguments.of("card 4111\u202f1111\u202f1111\u202f1111 ok", "card <CREDIT_CARD> ok"),
        Arguments.of("card 4111\u20091111\u20091111\u20091111 ok", "card <CREDIT_CARD> ok"),
        Arguments.of("tel +1\u00a0415\u00a0555\u00a00132", "tel <PHONE>"),
        Arguments.of("tel 415\u2011555\u20110132", "tel <PHONE>"),
        Arguments.of("tel 415\u2013555\u20130132", "tel <PHONE>"),
        Arguments.of("ssn 078\u00a005\u00a01123", "ssn <US_SSN>"),
        Arguments.of("iban DE89\u00a03704\u00a00044\u00a00532\u00a00130\u00a000", "iban <IBAN>"),
        Arguments.of("Authorization:\u00a0Bearer\u00a0abcdefghijklmnop1234", "Authorization:\u00a0Bearer\u00a0<SECRET>"),
        Arguments.of("password\u3000=\u3000hunter22", "password\u3000=\u3000<SECRET>"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unicodeSeparators")
  void unicodeSpacesAndDashesSeparateAsTheirAsciiForms(String input, String expected) {
    assertThat(REDACTOR.redact(input)).isEqualTo(expected);
  }

  static Stream<Arguments> zeroWidth() {
    return Stream.of(
        Arguments.of("mail jane\u200b@example.com", "mail <EMAIL>"),
        Arguments.of("mail ja\u00adne@exam\u00adple.com", "mail <EMAIL>"),
        Arguments.of("key sk-proj-Ab3dEf6h\u200bIj9kLm2nOp5qRs8tUv1wXy4z", "key <API_KEY>"),
        Arguments.of("aws AKIA\u200dIOSFODNN7EXAMPLE", "aws <API_KEY>"),
        Arguments.of("card 4111\u200b1111\u200b1111\u200b1111", "card <CREDIT_CARD>"),
        Arguments.of("card 4111\u20601111\u20601111\u20601111", "card <CREDIT_CARD>"),
        Arguments.of("\ufeffpassword=hunter22", "\ufeffpassword=<SECRET>"),
        Arguments.of("ip 10.\u200c0.0.1", "ip <IP_ADDRESS>"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("zeroWidth")
  void zeroWidthCharactersDoNotSplitAValue(String input, String expected) {
    assertThat(REDACTOR.redact(input)).isEqualTo(expected);
  }

  static Stream<String> nonAsciiProse() {
    return Stream.of(
        "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e \u2014 d\u00e9j\u00e0 vu", "\u4f60\u597d\uff0c\u4e16\u754c\uff01",
        "\u0417\u0434\u0440\u0430\u0432\u0441\u0442\u0432\u0443\u0439\u0442\u0435 \u043c\u0438\u0440",
        "2019\u20132021 and 10\u00a0%", "emoji \ud83d\ude00 ok", "\uff11\uff12\uff13 items");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nonAsciiProse")
  void nonAsciiProseIsLeftAsItIs(String input) {
    assertThat(REDACTOR.redact(input)).isSameAs(input);
  }
}
