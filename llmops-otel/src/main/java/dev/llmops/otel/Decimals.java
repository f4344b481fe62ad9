package dev.llmops.otel;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/** Decimal text for the {@code llmops.cost.usd} attribute. Stateless and thread-safe. */
final class Decimals {
  /** At most this many digits fit a {@code long} whatever they are. */
  private static final int LONG_DIGITS = 18;

  private Decimals() {}

  /**
   * Exactly {@link BigDecimal#toPlainString()}, in fewer allocations for the usual amounts (a
   * positive scale and at most 18 digits, as every price times a token count is): the digits are
   * written once into the string's bytes instead of through an intermediate string and builder.
   */
  static String plain(BigDecimal value) {
    int scale = value.scale();
    int digits = value.precision(); // of the unscaled value
    if (scale <= 0 || scale > LONG_DIGITS || digits > LONG_DIGITS) {
      return value.toPlainString();
    }
    long unscaled = value.scaleByPowerOfTen(scale).longValueExact();
    boolean negative = unscaled < 0;
    long rest = Math.abs(unscaled);
    int integerDigits = Math.max(digits - scale, 1);
    byte[] text = new byte[(negative ? 1 : 0) + integerDigits + 1 + scale];
    int at = text.length;
    for (int i = 0; i < scale; i++) {
      text[--at] = (byte) ('0' + rest % 10);
      rest /= 10;
    }
    text[--at] = '.';
    for (int i = 0; i < integerDigits; i++) {
      text[--at] = (byte) ('0' + rest % 10);
      rest /= 10;
    }
    if (negative) {
      text[--at] = '-';
    }
    return new String(text, StandardCharsets.ISO_8859_1);
  }
}
