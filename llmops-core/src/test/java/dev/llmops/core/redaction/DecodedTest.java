package dev.llmops.core.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DecodedTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
    "100%", "a&b", "%zz", "%4", "%7F", "%1F", "%C3%A9", "&unknown;", "&#;", "&#x;", "&amp", "&#0;", "&#99999999;",
    "&averyveryverylongname;", "\\q", "\\u004", "\\u00G1", "\\x4", "\\", "caf\u00e9", "\u00e9\u00e8", "&#12a;", "&#x4G;"
  })
  void textWhereNothingDecodesHasNoView(String text) {
    assertThat(Decoded.of(text, 0)).isNull();
  }

  static Stream<Arguments> escapes() {
    return Stream.of(
        Arguments.of("a%40b", "a@b"),
        Arguments.of("%41%42", "AB"),
        Arguments.of("%0A", "\n"),
        Arguments.of("%09", "\t"),
        Arguments.of("%20x", " x"),
        Arguments.of("%7E", "~"),
        Arguments.of("\\u0041", "A"),
        Arguments.of("\\u00a0", " "),
        Arguments.of("\\uff20", "@"),
        Arguments.of("\\x41", "A"),
        Arguments.of("\\r\\n", "\r\n"),
        Arguments.of("\\t", "\t"),
        Arguments.of("\\\"", "\""),
        Arguments.of("\\'", "'"),
        Arguments.of("\\/", "/"),
        Arguments.of("\\\\", "\\"),
        Arguments.of("&#65;", "A"),
        Arguments.of("&#x41;", "A"),
        Arguments.of("&#X41;", "A"),
        Arguments.of("&commat;", "@"),
        Arguments.of("&amp;", "&"),
        Arguments.of("&lt;&gt;", "<>"),
        Arguments.of("&period;&colon;&equals;&plus;&lowbar;&hyphen;&dash;&sol;&bsol;", ".:=+_--/\\"),
        Arguments.of("&nbsp;", " "),
        Arguments.of("&Tab;&NewLine;", "\t\n"),
        Arguments.of("&quot;&apos;", "\"'"),
        Arguments.of("%2540", "@"),
        Arguments.of("%252540", "@"),
        Arguments.of("%25252540", "%40"),
        Arguments.of("&amp;#64;", "@"),
        Arguments.of("\\\\u0040", "@"),
        Arguments.of("\uff11\uff12", "12"),
        Arguments.of("\u0661\u0662", "12"),
        Arguments.of("a\u200bb", "ab"),
        Arguments.of("a\u00a0b", "a b"),
        Arguments.of("a\u2011b", "a-b"),
        Arguments.of("a\u2028b", "a\nb"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("escapes")
  void decodesEachEscapeAndForm(String text, String view) {
    Decoded d = Decoded.of(text, 0);
    assertThat(d).isNotNull();
    assertThat(d.view).isEqualTo(view);
  }

  @Test
  void eachViewCharacterMapsToTheWholeEscapeItCameFrom() {
    Decoded d = Decoded.of("a%40b", 0);
    assertThat(d).isNotNull();
    assertThat(d.view).isEqualTo("a@b");
    assertThat(new int[] {d.start(0), d.start(1), d.start(2), d.end(3)}).containsExactly(0, 1, 4, 5);

    Decoded zw = Decoded.of("ab\u200b\u200bc", 0);
    assertThat(zw).isNotNull();
    assertThat(zw.view).isEqualTo("abc");
    assertThat(new int[] {zw.start(1), zw.end(2), zw.start(2), zw.end(3)}).containsExactly(1, 4, 4, 5);

    Decoded twice = Decoded.of("x%2540y", 0);
    assertThat(twice).isNotNull();
    assertThat(twice.view).isEqualTo("x@y");
    assertThat(new int[] {twice.start(1), twice.end(2)}).containsExactly(1, 6);
  }

  @Test
  void decodingStartsWhereItIsTold() {
    Decoded d = Decoded.of("ab %40", 3);
    assertThat(d).isNotNull();
    assertThat(d.view).isEqualTo("ab @");
    // Digits of another script that make an escape decode in a second round.
    Decoded arabic = Decoded.of("%\u0664\u0660", 0);
    assertThat(arabic).isNotNull();
    assertThat(arabic.view).isEqualTo("@");
    assertThat(Decoded.of("%40 x", 4)).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "65, 65", "65281, 33", "65374, 126", "65280, 65280", "65375, 65375", "12288, 32", "160, 32", "5760, 32",
    "8192, 32", "8202, 32", "8203, -1", "8204, -1", "8205, -1", "8288, -1", "65279, -1", "173, -1", "6158, -1",
    "8208, 45", "8213, 45", "8214, 8214", "8209, 45", "8722, 45", "65123, 45", "8232, 10", "8233, 10",
    "8239, 32", "8287, 32", "1632, 48", "1641, 57", "2406, 48", "233, 233", "8191, 8191", "8206, 8206"
  })
  void normalizesCharactersThatStandForAscii(int c, int expected) {
    assertThat(Decoded.normalized(c)).isEqualTo(expected);
  }
}
