package dev.llmops.core.redaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChecksTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "4111111111111111, true", "4111111111111112, false", "79927398713, true", "79927398710, false",
    // Doubling 5 gives 10, whose digits add to 1: 5 9 passes only when the doubled digit is folded.
    "59, true", "18, true", "26, true", "34, true", "42, true", "0, true", "91, true", "83, true",
    "5, false", "1, false", "378282246310005, true", "6011111111111117, true", "4012888888881881, true",
  })
  void luhnDoublesEverySecondDigitFromTheRightAndFoldsTwoDigitResults(String number, boolean valid) {
    assertThat(Checks.luhn(number, 0, number.length())).isEqualTo(valid);
  }

  @Test
  void luhnSkipsSeparatorsAndReadsOnlyItsRange() {
    assertThat(Checks.luhn("4111 1111-1111.1111", 0, 19)).isTrue();
    assertThat(Checks.luhn("xx4111111111111111yy", 2, 18)).isTrue();
    assertThat(Checks.luhn("94111111111111111", 1, 17)).isTrue();
    assertThat(Checks.luhn("94111111111111111", 0, 17)).isFalse();
  }

  /** Exactly one check digit in ten completes a payload. */
  @Property(tries = 200)
  void exactlyOneCheckDigitCompletesAPayload(@ForAll @LongRange(min = 1, max = 999_999_999_999_999L) long payload) {
    int valid = 0;
    for (int d = 0; d <= 9; d++) {
      String candidate = payload + Integer.toString(d);
      valid += Checks.luhn(candidate, 0, candidate.length()) ? 1 : 0;
    }
    assertThat(valid).isEqualTo(1);
  }

  /** Luhn catches every single-digit error. */
  @Property(tries = 200)
  void aChangedDigitFailsTheCheck(@ForAll @LongRange(min = 100_000_000_000L, max = 999_999_999_999_999L) long payload,
      @ForAll @IntRange(min = 0, max = 11) int position, @ForAll @IntRange(min = 1, max = 9) int delta) {
    String valid = RedactionPropertyTest.withLuhn(Long.toString(payload));
    char[] chars = valid.toCharArray();
    int at = position % chars.length;
    chars[at] = (char) ('0' + (chars[at] - '0' + delta) % 10);
    String changed = new String(chars);
    assertThat(Checks.luhn(changed, 0, changed.length())).isFalse();
  }

  @ParameterizedTest(name = "{0}{1} -> {2}")
  @CsvSource({"D, E, 22", "G, B, 22", "F, R, 27", "N, O, 15", "R, U, 33", "L, C, 32", "Y, E, 30", "A, D, 24",
    "X, K, 20", "V, G, 24", "Z, Z, 0", "U, S, 0", "A, A, 0"})
  void ibanLengthsComeFromTheRegistry(char a, char b, int length) {
    assertThat(Checks.ibanLength(a, b)).isEqualTo(length);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "DE89370400440532013000, true", "DE89370400440532013001, false", "GB82WEST12345698765432, true",
    "GB82WEST12345698765431, false", "FR1420041010050500013M02606, true", "NO9386011117947, true",
    "NO9386011117948, false", "GB33BUKB20201555555555, true", "GB94BARC10201530093459, true",
    "GB94BARC20201530093459, false", "BE68539007547034, true", "BE68539007547043, false",
  })
  void ibanMod97MovesTheHeadToTheEndAndReadsLettersAsTwoDigits(String iban, boolean valid) {
    assertThat(Checks.ibanMod97(iban.toCharArray(), iban.length())).isEqualTo(valid);
  }

  @Test
  void ibanMod97ReadsOnlyTheGivenLength() {
    char[] padded = "DE89370400440532013000ZZZZ".toCharArray();
    assertThat(Checks.ibanMod97(padded, 22)).isTrue();
  }

  @Test
  void entropyIsShannonsInBitsPerCharacter() {
    assertThat(Checks.entropy("aaaa", 0, 4)).isCloseTo(0.0, within(1e-9));
    assertThat(Checks.entropy("abab", 0, 4)).isCloseTo(1.0, within(1e-9));
    assertThat(Checks.entropy("abcd", 0, 4)).isCloseTo(2.0, within(1e-9));
    assertThat(Checks.entropy("aabc", 0, 4)).isCloseTo(1.5, within(1e-9));
    assertThat(Checks.entropy("0123456789abcdef", 0, 16)).isCloseTo(4.0, within(1e-9));
    assertThat(Checks.entropy("xxabcdyy", 2, 6)).isCloseTo(2.0, within(1e-9));
    // Characters outside ASCII count as one symbol between them.
    assertThat(Checks.entropy("a\u00e9\u00fcb", 0, 4)).isCloseTo(1.5, within(1e-9));
    assertThat(Checks.entropy("\u00e9\u00e9", 0, 2)).isCloseTo(0.0, within(1e-9));
  }
}
