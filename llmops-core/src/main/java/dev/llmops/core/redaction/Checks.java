package dev.llmops.core.redaction;

/** The small checks the scanner runs after a cheap trigger: Luhn, IBAN mod-97, entropy. */
final class Checks {
  /** IBAN lengths by country (SWIFT IBAN registry), indexed by the two letters. */
  private static final byte[] IBAN_LENGTH = new byte[26 * 26];

  static {
    String table =
        "AD24AE23AL28AT20AZ28BA20BE16BG22BH22BI27BR29BY28CH21CR22CY28CZ24DE22DJ27DK18DO28EE20EG29"
            + "ES24FI18FK18FO18FR27GB22GE22GI23GL18GR27GT28HR21HU28IE22IL23IQ23IS26IT27JO30KW30KZ20"
            + "LB28LC32LI21LT20LU20LV21LY25MC27MD24ME22MK19MN20MR27MT31MU30NI28NL18NO15OM23PK24PL28"
            + "PS29PT25QA29RO24RS22RU33SA24SC31SD18SE24SI19SK24SM27SO23ST25SV28TL23TN24TR26UA29VA22"
            + "VG24XK20YE30";
    for (int i = 0; i < table.length(); i += 4) {
      IBAN_LENGTH[(table.charAt(i) - 'A') * 26 + table.charAt(i + 1) - 'A'] =
          (byte) Integer.parseInt(table.substring(i + 2, i + 4));
    }
  }

  private Checks() {}

  /** True if the digits of {@code s[start, end)} (other characters skipped) pass the Luhn check. */
  static boolean luhn(CharSequence s, int start, int end) {
    int sum = 0;
    boolean twice = false;
    for (int i = end - 1; i >= start; i--) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        continue;
      }
      int d = c - '0';
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      twice = !twice;
    }
    return sum % 10 == 0;
  }

  /** The IBAN length of a country code's two upper-case letters, or 0 when it has none. */
  static int ibanLength(char a, char b) {
    return IBAN_LENGTH[(a - 'A') * 26 + (b - 'A')];
  }

  /**
   * True if the compact IBAN {@code chars[0, length)} (upper-case letters and digits) passes the
   * ISO 13616 mod-97 check: the first four characters moved to the end, letters as 10..35, the
   * number modulo 97 equal to 1.
   */
  static boolean ibanMod97(char[] chars, int length) {
    int mod = 0;
    for (int k = 0; k < length; k++) {
      char c = chars[(k + 4) % length];
      if (c >= '0' && c <= '9') {
        mod = (mod * 10 + (c - '0')) % 97;
      } else {
        int v = c - 'A' + 10;
        mod = (mod * 100 + v) % 97;
      }
    }
    return mod == 1;
  }

  /** The Shannon entropy of {@code s[start, end)} in bits per character. */
  static double entropy(CharSequence s, int start, int end) {
    int[] counts = new int[128];
    int other = 0;
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (c < 128) {
        counts[c]++;
      } else {
        other++;
      }
    }
    double n = end - start;
    double h = 0;
    for (int count : counts) {
      if (count > 0) {
        double p = count / n;
        h -= p * Math.log(p);
      }
    }
    if (other > 0) {
      double p = other / n;
      h -= p * Math.log(p);
    }
    return h / Math.log(2);
  }
}
