package dev.llmops.core.redaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RedactorTest {
  private final Redactor redactor = Redactor.defaults();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "mail me at jane.doe+tag@example.co.uk today | mail me at <EMAIL> today",
        "call +1 415 555 0132 now | call <PHONE> now",
        "call (415) 555-0132 now | call <PHONE> now",
        "call 415-555-0132 now | call <PHONE> now",
        "call +44 20 7946 0958 | call <PHONE>",
        "israel 09-7625400 | israel <PHONE>",
        "card 4111 1111 1111 1111 ok | card <CREDIT_CARD> ok",
        "card 4111-1111-1111-1111 | card <CREDIT_CARD>",
        "card 4111111111111111 | card <CREDIT_CARD>",
        "not a card 4111111111111112 | not a card 4111111111111112",
        "ssn 078-05-1123 | ssn <US_SSN>",
        "ssn 666-05-1123 | ssn 666-05-1123",
        "iban DE89 3704 0044 0532 0130 00 thanks | iban <IBAN> thanks",
        "iban GB82WEST12345698765432 | iban <IBAN>",
        "bad iban GB82WEST12345698765433 | bad iban GB82WEST12345698765433",
        "ip 192.168.0.1 and 10.0.0.256 | ip <IP_ADDRESS> and 10.0.0.256",
        "ip6 2001:db8::1 and fe80::1ff:fe23:4567:890a | ip6 <IP_ADDRESS> and <IP_ADDRESS>",
        "full 684D:1111:222:3333:4444:5555:6:77 | full <IP_ADDRESS>",
        "time 10:30:45 and std::vector | time 10:30:45 and std::vector",
        "version 1.2.3 and 3.14159 | version 1.2.3 and 3.14159",
        "date 2024-01-15 | date 2024-01-15",
        "key sk-proj-AbCdEfGh1234567890IjKlMnOp | key <API_KEY>",
        "key sk-ant-api03-AbCdEfGh1234567890IjKlMnOpQr | key <API_KEY>",
        "aws AKIAIOSFODNN7EXAMPLE | aws <API_KEY>",
        "gh ghp_abcdefghijklmnopqrstuvwxyz0123456789 | gh <API_KEY>",
        "gl glpat-abcdefghij0123456789xyz | gl <API_KEY>",
        "slack xoxb-123456789012-abcdefghijkl | slack <API_KEY>",
        "google AIzaSyA1234567890abcdefghijklmnopqrstuv | google <API_KEY>",
        "stripe sk_live_abcdefghij0123456789 | stripe <API_KEY>",
        "password=hunter22 | password=<SECRET>",
        "api_key: 'Zk3xQ9vR7tL2mN8pW4sY' | api_key: '<SECRET>'",
        "Authorization: Bearer abcdefghijklmnop1234 | Authorization: Bearer <SECRET>",
        "token = getToken | token = getToken",
        "the key is fine | the key is fine",
      })
  void redactsEachTypeAndLeavesLookalikes(String input, String expected) {
    assertThat(redactor.redact(input)).isEqualTo(expected);
  }

  @Test
  void redactsJwtAndPemBlocks() {
    String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    assertThat(redactor.redact("t=" + jwt + " end")).isEqualTo("t=<JWT> end");
    String pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";
    assertThat(redactor.redact("k:\n" + pem + "\nafter")).isEqualTo("k:\n<PRIVATE_KEY>\nafter");
  }

  @Test
  void returnsTheSameInstanceWhenNothingIsFound() {
    String text = "nothing to see here, 42 times";
    assertThat(redactor.redact(text)).isSameAs(text);
  }

  @Test
  void masksKeepingTheLastFourOrTheDomain() {
    Redactor masking = Redactor.builder().modeForAll(RedactionMode.MASK).build();
    assertThat(masking.redact("4111 1111 1111 1111")).isEqualTo("**** **** **** 1111");
    assertThat(masking.redact("a jane@example.com")).isEqualTo("a ***@example.com");
    assertThat(masking.redact("sk-proj-AbCdEfGh1234567890IjKlMnOp")).isEqualTo("sk-p****");
    assertThat(masking.redact("ip 192.168.0.1")).isEqualTo("ip 192.***");
  }

  @Test
  void hmacGivesStablePseudonymsPerKey() {
    byte[] key = "0123456789abcdef0123".getBytes(StandardCharsets.UTF_8);
    Redactor a = Redactor.builder().mode(PiiType.EMAIL, RedactionMode.HMAC).hmacKey(key).build();
    String one = a.redact("x jane@example.com");
    assertThat(one).matches("x <EMAIL#[0-9a-f]{12}>");
    assertThat(a.redact("y jane@example.com")).isEqualTo("y" + one.substring(1));
    assertThat(a.redact("x john@example.com")).isNotEqualTo(one);
    byte[] other = "fedcba9876543210fedc".getBytes(StandardCharsets.UTF_8);
    Redactor b = Redactor.builder().mode(PiiType.EMAIL, RedactionMode.HMAC).hmacKey(other).build();
    assertThat(b.redact("x jane@example.com")).isNotEqualTo(one);
  }

  @Test
  void allowListAndCustomDetectors() {
    Redactor r = Redactor.builder()
        .allow("support@example.com")
        .custom("EMPLOYEE_ID", Pattern.compile("EMP-\\d{6}"), "EMP-")
        .build();
    assertThat(r.redact("write support@example.com or jane@example.com about EMP-123456"))
        .isEqualTo("write support@example.com or <EMAIL> about <EMPLOYEE_ID>");
    assertThat(r.find("EMP-123456 a@b.io")).extracting(Finding::type).containsExactly("EMPLOYEE_ID", "EMAIL");
  }

  @Test
  void disabledTypesAreLeftAlone() {
    Redactor r = Redactor.builder().disable(PiiType.IP_ADDRESS).build();
    assertThat(r.redact("ip 192.168.0.1")).isEqualTo("ip 192.168.0.1");
    assertThat(Redactor.noop().redact("a@b.com")).isEqualTo("a@b.com");
  }

  @Test
  void builderFailsFastOnBadConfiguration() {
    assertThatThrownBy(() -> Redactor.builder().mode(PiiType.EMAIL, RedactionMode.HMAC).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("hmacKey");
    assertThatThrownBy(() -> Redactor.builder().hmacKey(new byte[4]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16 bytes");
    assertThatThrownBy(() -> Redactor.builder().custom("bad label", Pattern.compile("x"), "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad label");
    assertThatThrownBy(() -> Redactor.builder().custom("EMAIL", Pattern.compile("x"), "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already used");
  }
}
