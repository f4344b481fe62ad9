package dev.llmops.core.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class Utf8BoundsProperties {

  @Property(tries = 300)
  void countIsTheUtf8LengthOfWellFormedText(
      @ForAll @StringLength(max = 600) @CharRange(from = 0, to = 0xD7FF) @CharRange(from = 0xE000, to = 0xFFFF)
          String text) {
    // No surrogates here: getBytes encodes every char as the scan counts it.
    long expected = text.getBytes(StandardCharsets.UTF_8).length;
    assertThat(Utf8Bounds.bytes(text)).isEqualTo(expected);
    // The second call may come from the memo (long texts): still the same count.
    assertThat(Utf8Bounds.bytes(text)).isEqualTo(expected);
  }

  @Property(tries = 300)
  void countNeverUndercountsAnyText(@ForAll @StringLength(max = 600) String text) {
    long bytes = Utf8Bounds.bytes(text);
    assertThat(bytes).isGreaterThanOrEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    assertThat(bytes).isEqualTo(Utf8Bounds.scan(text));
  }

  @Test
  void longTextsAreRememberedByIdentityAndShortOnesAreNot() {
    String longText = "é".repeat(Utf8Bounds.MEMO_MIN_LENGTH) + " a long system prompt";
    assertThat(Utf8Bounds.bytes(longText)).isEqualTo(longText.getBytes(StandardCharsets.UTF_8).length);
    assertThat(Utf8Bounds.remembered(longText)).isTrue();

    String equalCopy = new String(longText.toCharArray());
    assertThat(Utf8Bounds.remembered(equalCopy)).isFalse(); // identity, not equality
    assertThat(Utf8Bounds.bytes(equalCopy)).isEqualTo(Utf8Bounds.bytes(longText));

    String shortText = "x".repeat(Utf8Bounds.MEMO_MIN_LENGTH - 1);
    assertThat(Utf8Bounds.bytes(shortText)).isEqualTo(Utf8Bounds.MEMO_MIN_LENGTH - 1);
    assertThat(Utf8Bounds.remembered(shortText)).isFalse();

    String huge = "y".repeat(Utf8Bounds.MEMO_MAX_LENGTH + 1);
    assertThat(Utf8Bounds.bytes(huge)).isEqualTo(Utf8Bounds.MEMO_MAX_LENGTH + 1);
    assertThat(Utf8Bounds.remembered(huge)).isFalse();
  }
}
