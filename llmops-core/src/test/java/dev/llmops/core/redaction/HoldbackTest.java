package dev.llmops.core.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where a stream cuts: the text after the bar is held back, the text before it is emitted. */
class HoldbackTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '~', quoteCharacter = '`', value = {
    "`|`", "`|abc`", "`abc |`", "`hello |world`", "`the card |4111 `", "`the card |4111 1111`",
    "`call |+1 415`", "`call |(415) `", "`|password `", "`my |password `", "`my |\"password\" `",
    "`my |'api_key' `", "`|key: `", "`x |Bearer `", "`x |basic `", "`x |token `", "`x the |`", "`x |DE89 `",
    "`x |de89 `", "`x west |`", "`x |WEST `", "`x abcde1 |`", "`x a1-b |`", "`x |sk-proj-Ab3dEf6h\n`",
    "`x hello\n|`", "`x |4111\n`", "`x 4111\n\n|`", "`x ab1\n|`", "`x |4111\r\n`", "`x 4111 \n|`",
    "`a |password =`", "`a |password = `", "`a |key=`", "`x |a=>`", "`x |12 34 `", "`x |12 (415)`",
    "`x |4.2 million`", "`x |4.2 mill`", "`x |12 +1`", "`x lower |case`",
    "`x 4111\t\t\t\t\t\t\t\t\t\t\t\t\t|`", "`x |4111\t\t\t\t\t\t\t\t\t\t\t\t`", "`x |4111\u00a0`",
    "`x |4111\u3000`", "`x |4111\n5555`"
  })
  void holdsWhatCouldBeTheStartOfAValue(String marked) {
    int bar = marked.indexOf('|');
    String text = marked.substring(0, bar) + marked.substring(bar + 1);
    assertThat(Holdback.start(text)).as("hold in [%s]", text.replace("\n", "\\n")).isEqualTo(bar);
  }

  @Test
  void anUnterminatedPrivateKeyBlockIsHeldWhole() {
    String open = "a -----BEGIN RSA PRIVATE KEY-----\nMIIE\nabc def ";
    assertThat(Holdback.start(open)).isEqualTo(2);
    String closed = "a -----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY----- ok ";
    assertThat(Holdback.start(closed)).isEqualTo(closed.length());
    String certificate = "a -----BEGIN CERTIFICATE-----\nMIIE\nabc def ";
    assertThat(Holdback.start(certificate)).isEqualTo(certificate.length());
    String header = "a -----BEGIN RSA PRI";
    assertThat(Holdback.start(header)).isEqualTo(2);
  }

  @Test
  void whatIsHeldIsBoundedAndCutAtAWordStart() {
    String joined = "a= ".repeat(1000);
    int hold = Holdback.start(joined);
    assertThat(joined.length() - hold).isLessThanOrEqualTo(Holdback.MAX_HOLD).isGreaterThan(Holdback.MAX_HOLD - 3);
    assertThat(joined.charAt(hold - 1)).isEqualTo(' ');

    String key = "x -----BEGIN PRIVATE KEY-----\n" + "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcw\n".repeat(500);
    int keyHold = Holdback.start(key);
    assertThat(key.length() - keyHold).isLessThanOrEqualTo(Holdback.MAX_KEY_HOLD).isGreaterThan(Holdback.MAX_KEY_HOLD - 40);
    String shortKey = "x -----BEGIN PRIVATE KEY-----\n" + "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcw\n".repeat(100);
    assertThat(Holdback.start(shortKey)).isEqualTo(2);
  }

  @Test
  void keyBlocks() {
    assertThat(Holdback.opensKeyBlock("a -----BEGIN PRIVATE KEY-----\nMIIE")).isTrue();
    assertThat(Holdback.opensKeyBlock("a -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----")).isFalse();
    assertThat(Holdback.opensKeyBlock("a -----BEGIN PUBLIC KEY-----\nMIIE")).isFalse();
    assertThat(Holdback.opensKeyBlock("a plain text")).isFalse();
    assertThat(Holdback.keyBlockEnd("MIIE\n-----END PRIVATE KEY-----\nafter")).isEqualTo(30);
    assertThat(Holdback.keyBlockEnd("MIIE\n-----END PRIVATE KEY")).isEqualTo(-1);
    assertThat(Holdback.keyBlockEnd("MIIE\n")).isEqualTo(-1);
  }
}
