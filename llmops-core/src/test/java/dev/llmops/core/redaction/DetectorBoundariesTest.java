package dev.llmops.core.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Where each built-in detector starts and stops: the shortest and longest values it takes, the
 * first ones it refuses, and how far a finding reaches. The expected text shows each finding's
 * span as its tag.
 */
class DetectorBoundariesTest {
  private static final Redactor REDACTOR = Redactor.defaults();

  private static Arguments c(String input, String expected) {
    return Arguments.of(input, expected);
  }

  static Stream<Arguments> emails() {
    return Stream.of(
        c("a jane@example.com b", "a <EMAIL> b"),
        c(".jane@example.com", ".<EMAIL>"),
        c("x -+jane@example.com", "x -+<EMAIL>"),
        c("(jane@example.com)", "(<EMAIL>)"),
        c("jane@example.com.", "<EMAIL>."),
        c("jane@example.com-", "<EMAIL>-"),
        c("jane@example.co", "<EMAIL>"),
        c("jane@example.c", "jane@example.c"),
        c("jane@example.c0m", "jane@example.c0m"),
        c("jane@example.xn--p1ai", "<EMAIL>"),
        c("jane@localhost", "jane@localhost"),
        c("jane@.example.com", "jane@.example.com"),
        c("jane@-example.com", "jane@-example.com"),
        c("jane@", "jane@"),
        c("@example.com", "@example.com"),
        c("...@example.com", "...@example.com"),
        c("x ***@example.com y", "x ***@example.com y"),
        c("j@e.io", "<EMAIL>"),
        c("a.b_c%d+e-f@sub-1.example.org", "<EMAIL>"),
        c("x" + "a".repeat(70) + "@example.com", "x" + "a".repeat(6) + "<EMAIL>"),
        c("a".repeat(64) + "@example.com", "<EMAIL>"),
        c("jane@example.com@example.org", "<EMAIL>@example.org"));
  }

  static Stream<Arguments> phones() {
    return Stream.of(
        c("+12345678", "<PHONE>"),
        c("+1234567", "+1234567"),
        c("+123456789012345", "<PHONE>"),
        c("+1234567890123456", "+1234567890123456"),
        c("a+14155550132", "a+14155550132"),
        c("(+14155550132)", "(<PHONE>)"),
        c("+", "+"),
        c("+x", "+x"),
        c("(415) 555-0132", "<PHONE>"),
        c("(415)555-0132", "<PHONE>"),
        c("(415)-555-0132", "<PHONE>"),
        c("(41) 555-013", "(41) 555-013"),
        c("(415) 555-01322", "<PHONE>"),
        c("(415) 555-013222", "(415) 555-013222"),
        c("(415 555-0132", "(<PHONE>"),
        c("415 (555) 0132", "<PHONE>"),
        c("415-555-0132", "<PHONE>"),
        c("415-555-013", "415-555-013"),
        c("415-5550-132", "415-5550-132"),
        c("1-415-555-0132", "<PHONE>"),
        c("2-415-555-0132", "2-415-555-0132"),
        c("09-7625400", "<PHONE>"),
        c("09-762540", "09-762540"),
        c("09-76254000", "<PHONE>"),
        c("09-762540001", "<PHONE>"),
        c("09-7625400011", "09-7625400011"),
        c("0-7625", "0-7625"),
        c("415.555.0132", "<PHONE>"),
        c("4155.550132", "4155.550132"),
        c("415 555 0132.", "<PHONE>."),
        c("415-555-0132x", "415-555-0132x"),
        c("415-555-0132_", "415-555-0132_"),
        c("415-555-0132@", "415-555-0132@"),
        c("415-555-0132-5", "415-555-0132-5"),
        c("call +44 20 7946 0958 now", "call <PHONE> now"));
  }

  static Stream<Arguments> cards() {
    return Stream.of(
        c("4222222222222", "<CREDIT_CARD>"),
        c("422222222222", "422222222222"),
        c("4111111111111111", "<CREDIT_CARD>"),
        c("6011000990139424", "<CREDIT_CARD>"),
        c("1111111111111117", "<CREDIT_CARD>"),
        c("7111111111111115", "7111111111111115"),
        c("0111111111111113", "0111111111111113"),
        c("4000000000000000006", "<CREDIT_CARD>"),
        c("40000000000000000004", "40000000000000000004"),
        c("4111 1111 1111 1111", "<CREDIT_CARD>"),
        c("4111-1111-1111-1111", "<CREDIT_CARD>"),
        c("4111 1111-1111 1111", "4111 1111-1111 1111"),
        c("4111111111111111.", "<CREDIT_CARD>."),
        c("4111111111111111a", "4111111111111111a"),
        c("x4111111111111111", "x4111111111111111"),
        c("4111111111111111 4111111111111111", "<CREDIT_CARD> <CREDIT_CARD>"));
  }

  static Stream<Arguments> ssns() {
    return Stream.of(
        c("078-05-1123", "<US_SSN>"),
        c("078 05 1123", "<US_SSN>"),
        c("078.05.1123", "<US_SSN>"),
        c("178-05 1123", "178-05 1123"),
        c("078-05 1123", "<PHONE>"),
        c("000-05-1123", "<PHONE>"),
        c("666-05-1123", "666-05-1123"),
        c("899-05-1123", "<US_SSN>"),
        c("900-05-1123", "900-05-1123"),
        c("078-00-1123", "<PHONE>"),
        c("178-00-1123", "178-00-1123"),
        c("078-05-0000", "<PHONE>"),
        c("178-05-0000", "178-05-0000"),
        c("001-01-0001", "<US_SSN>"),
        c("1780-5-1123", "1780-5-1123"),
        c("078-051-123", "078-051-123"),
        c("178-05-112", "178-05-112"));
  }

  static Stream<Arguments> ipAddresses() {
    return Stream.of(
        c("1.2.3.4", "<IP_ADDRESS>"),
        c("255.255.255.255", "<IP_ADDRESS>"),
        c("256.1.1.1", "256.1.1.1"),
        c("1.256.1.1", "1.256.1.1"),
        c("1.1.1.256", "1.1.1.256"),
        c("1.2.3", "1.2.3"),
        c("1.2.3.4.5", "1.2.3.4.5"),
        c("1.2.3.4.", "<IP_ADDRESS>."),
        c("1.2.3.4a", "1.2.3.4a"),
        c("1234.1.1.1", "1234.1.1.1"),
        c("2001:db8::1", "<IP_ADDRESS>"),
        c("::1", "<IP_ADDRESS>"),
        c("x ::1 y", "x <IP_ADDRESS> y"),
        c("a::1", "<IP_ADDRESS>"),
        c("x::1", "x::1"),
        c("::", "::"),
        c("fe80::", "fe80::"),
        c("1:2:3:4:5:6:7:8", "<IP_ADDRESS>"),
        c("1:2:3:4:5:6:7", "1:2:3:4:5:6:7"),
        c("1:2:3:4:5:6:7:8:9", "1:<IP_ADDRESS>"),
        c("1::2:3:4:5:6:7", "<IP_ADDRESS>"),
        c("1::2:3:4:5:6:7:8", "1::2:3:4:5:6:7:8"),
        c("12345:1:2:3:4:5:6:7", "12345:1:2:3:4:5:6:7"),
        c("1:2:3:4:5:6:7:8g", "1:2:3:4:5:6:7:8g"),
        c("1:2:3:4:5:6:7:8.x", "1:2:3:4:5:6:7:8.x"),
        c("2001:db8::1::2", "<IP_ADDRESS><IP_ADDRESS>"),
        c("::ffff:192.0.2.1", "<IP_ADDRESS>"),
        c("1:2:3:4:5:6:1.2.3.4", "<IP_ADDRESS>"),
        c("1:2:3:4:5:6:7:1.2.3.4", "1:<IP_ADDRESS>"),
        c("::ffff:192.0.2", "::ffff:192.0.2"),
        c("10:30:45", "10:30:45"),
        c("std::vector", "std::vector"),
        c("abcde:1", "abcde:1"));
  }

  static Stream<Arguments> ibans() {
    return Stream.of(
        c("DE89370400440532013000", "<IBAN>"),
        c("DE89 3704 0044 0532 0130 00", "<IBAN>"),
        c("DE89-3704-0044-0532-0130-00", "<IBAN>"),
        c("DE89 37040044 0532013000", "<IBAN>"),
        c("DE89 370 40044 0532013000", "DE89 370 40044 0532013000"),
        c("DE8937040044053201300", "DE8937040044053201300"),
        c("DE890370400440532013000", "DE890370400440532013000"),
        c("DE89370400440532013000X", "DE89370400440532013000X"),
        c("DE89370400440532013000.", "<IBAN>."),
        c("DE89 3704 0044 0532 0130 00 ", "<IBAN> "),
        c("NO9386011117947", "<IBAN>"),
        c("QQ89370400440532013000", "QQ89370400440532013000"),
        c("DE8", "DE8"));
  }

  static Stream<Arguments> keys() {
    String k20 = "Ab3dEf6hIj9kLm2nOp5q";
    return Stream.of(
        c("sk-" + k20, "<API_KEY>"),
        c("sk-" + k20.substring(0, 19), "sk-" + k20.substring(0, 19)),
        c("sk-AbcdefghijklmnopqrstUvwxyz", "sk-AbcdefghijklmnopqrstUvwxyz"),
        c("sk-xxxxxxxxxxxxxxxxxxxx1", "sk-xxxxxxxxxxxxxxxxxxxx1"),
        c("sk_live_" + k20.substring(0, 10), "<API_KEY>"),
        c("sk_live_" + k20.substring(0, 9), "sk_live_" + k20.substring(0, 9)),
        c("sk_test_" + k20, "<API_KEY>"),
        c("sk_prod_" + k20, "<API_KEY>"),
        c("rk_live_" + k20, "<API_KEY>"),
        c("rk_test_" + k20, "<API_KEY>"),
        c("rk_prod_" + k20.substring(0, 10), "<API_KEY>"),
        c("rk_prod_" + k20.substring(0, 9), "rk_prod_" + k20.substring(0, 9)),
        c("AKIAIOSFODNN7EXAMPLE", "<API_KEY>"),
        c("ASIAIOSFODNN7EXAMPLE", "<API_KEY>"),
        c("ABIAIOSFODNN7EXAMPLE", "<API_KEY>"),
        c("ACCAIOSFODNN7EXAMPLE", "<API_KEY>"),
        c("A3T4IOSFODNN7EXAMPLE", "<API_KEY>"),
        c("A3T_IOSFODNN7EXAMPLE", "A3T_IOSFODNN7EXAMPLE"),
        c("AKIAIOSFODNN7EXAMPL", "AKIAIOSFODNN7EXAMPL"),
        c("AKIAIOSFODNN7EXAMPLES", "AKIAIOSFODNN7EXAMPLES"),
        c("AKIAIOSFODNN8EXAMPLE", "AKIAIOSFODNN8EXAMPLE"),
        c("AKIAAAAAAAAAAAAAAAAA", "AKIAAAAAAAAAAAAAAAAA"),
        c("AIzaSyA1234567890abcdefghijklmnopqrstuv", "<API_KEY>"),
        c("AIzaSyA1234567890abcdefghijklmnopqrstu", "AIzaSyA1234567890abcdefghijklmnopqrstu"),
        c("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "<API_KEY>"),
        c("gho_abcdefghijklmnopqrstuvwxyz012345", "<API_KEY>"),
        c("ghu_abcdefghijklmnopqrstuvwxyz0123", "<API_KEY>"),
        c("ghu_abcdefghijklmnopqrstuvwxyz012", "ghu_abcdefghijklmnopqrstuvwxyz012"),
        c("ghs_abcdefghijklmnopqrstuvwxyz012345", "<API_KEY>"),
        c("ghr_abcdefghijklmnopqrstuvwxyz012345", "<API_KEY>"),
        c("ghx_abcdefghijklmnopqrstuvwxyz012345", "ghx_abcdefghijklmnopqrstuvwxyz012345"),
        c("gh_pabcdefghijklmnopqrstuvwxyz012345", "gh_pabcdefghijklmnopqrstuvwxyz012345"),
        c("github_pat_11ABCDEFG0123456789abcdef", "<API_KEY>"),
        c("github_pat_11ABCDEFG0123456789abc", "<API_KEY>"),
        c("github_pat_11ABCDEFG0123456789ab", "github_pat_11ABCDEFG0123456789ab"),
        c("glpat-abcdefghij0123456789x", "<API_KEY>"),
        c("glpat-abcdefghij012345678", "glpat-abcdefghij012345678"),
        c("glpat-abcdefghij.0123456789xy", "<API_KEY>"),
        c("xoxb-123456789012-abcdefghijkl", "<API_KEY>"),
        c("xoxp.123456789012-abcdefghijkl", "<API_KEY>"),
        c("xoxe-1-abcdefghij", "<API_KEY>"),
        c("xoxb-12345678", "xoxb-12345678"),
        c("xoxb-abcdefghijklmnopq", "xoxb-abcdefghijklmnopq"),
        c("xoxz-123456789012-abcdefghijkl", "xoxz-123456789012-abcdefghijkl"),
        c("xoxb_123456789012-abcdefghijkl", "xoxb_123456789012-abcdefghijkl"),
        c("https://hooks.slack.com/services/T0A1B2C3D/B4E5F6G7H/q8R9s0T1u2V3", "https://<API_KEY>"),
        c("https://hooks.slack.com/services/T0A", "https://hooks.slack.com/services/T0A"),
        c("Bearer abcdefghijklmnop", "Bearer <SECRET>"),
        c("bearer abcdefghijklmnop", "bearer <SECRET>"),
        c("Bearer abcdefghijklmno", "Bearer abcdefghijklmno"),
        c("Bearerabcdefghijklmnop", "Bearerabcdefghijklmnop"),
        c("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "<JWT>"),
        c("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx.", "<JWT>"),
        c("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx.abc==", "<JWT>"),
        c("eyJhbGciOi.eyJzdWIiOiIx.abc", "<JWT>"),
        c("eyJhbGciO.eyJzdWIiOiIx.abc", "eyJhbGciO.eyJzdWIiOiIx.abc"),
        c("eyJhbGciOi.eyJzdWIiO.abc", "eyJhbGciOi.eyJzdWIiO.abc"),
        c("eyJhbGciOiJIUzI1NiJ9.abJzdWIiOiIx.abc", "eyJhbGciOiJIUzI1NiJ9.abJzdWIiOiIx.abc"),
        c("eyJhbGciOiJIUzI1NiJ9 eyJzdWIiOiIx", "eyJhbGciOiJIUzI1NiJ9 eyJzdWIiOiIx"),
        c("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx"));
  }

  static Stream<Arguments> privateKeys() {
    return Stream.of(
        c("a -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY----- b", "a <PRIVATE_KEY> b"),
        c("-----BEGIN EC PRIVATE KEY-----\nMHcC", "<PRIVATE_KEY>"),
        c("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY", "<PRIVATE_KEY>"),
        c("-----BEGIN CERTIFICATE-----\nMIIE\n-----END CERTIFICATE-----", "-----BEGIN CERTIFICATE-----\nMIIE\n-----END CERTIFICATE-----"),
        c("-----BEGIN " + "X".repeat(70) + " PRIVATE KEY-----\nMIIE", "-----BEGIN " + "X".repeat(70) + " PRIVATE KEY-----\nMIIE"),
        c("-----BEGIN PRIVATE KEY", "-----BEGIN PRIVATE KEY"),
        c("-----BEGIN PUBLIC KEY----- PRIVATE KEY-----", "-----BEGIN PUBLIC KEY----- PRIVATE KEY-----"));
  }

  static Stream<Arguments> assignments() {
    return Stream.of(
        c("password=hunter", "password=<SECRET>"),
        c("password=hunte", "password=hunte"),
        c("PASSWORD: hunter2", "PASSWORD: <SECRET>"),
        c("db_password := hunter22", "db_password := <SECRET>"),
        c("\"password\": \"hunter22\"", "\"password\": \"<SECRET>\""),
        c("'passwd' => 'hunter22'", "'passwd' => '<SECRET>'"),
        c("pwd = `hunter22`", "pwd = `<SECRET>`"),
        c("passphrase    =    hunter22", "passphrase    =    <SECRET>"),
        c("password     = hunter22", "password     = hunter22"),
        c("password == hunter22", "password == hunter22"),
        c("password hunter22", "password hunter22"),
        c("client_secret=abc123def", "client_secret=<SECRET>"),
        c("Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: Basic <SECRET>"),
        c("Authorization: Token abcdef123456", "Authorization: Token <SECRET>"),
        c("password=********", "password=********"),
        c("password=xxxxxxxx", "password=xxxxxxxx"),
        c("password=XXXXXXXX", "password=XXXXXXXX"),
        c("password=########", "password=########"),
        c("password=........", "password=........"),
        c("password=xxxxxxxy", "password=<SECRET>"),
        c("password=undefined", "password=undefined"),
        c("password=UNDEFINED", "password=UNDEFINED"),
        c("password=undefine1", "password=<SECRET>"),
        c("password=redacted", "password=redacted"),
        c("password=redacte1", "password=<SECRET>"),
        c("password=hunter22;x", "password=<SECRET>;x"),
        c("api_key=Zk3xQ9vR7tL2", "api_key=<SECRET>"),
        c("api_key=Zk3xQ9vR7tL", "api_key=Zk3xQ9vR7tL"),
        c("api_key=aaaaabbbbbccccc", "api_key=aaaaabbbbbccccc"),
        c("token = getToken", "token = getToken"),
        c("auth_token: Zk3xQ9vR7tL2mN8p", "auth_token: <SECRET>"),
        c("credentials=Zk3xQ9vR7tL2mN8p", "credentials=<SECRET>"),
        c("creds=Zk3xQ9vR7tL2mN8p", "creds=<SECRET>"),
        c("credentialsId=Zk3xQ9vR7tL2mN8p", "credentialsId=Zk3xQ9vR7tL2mN8p"),
        c("key_length=Zk3xQ9vR7tL2mN8p", "key_length=Zk3xQ9vR7tL2mN8p"),
        c("a".repeat(40) + "password=hunter22", "a".repeat(40) + "password=<SECRET>"),
        c("a".repeat(41) + "password=hunter22", "a".repeat(41) + "password=hunter22"),
        c("secret=" + "k".repeat(5) + "Zk3xQ9vR7t".repeat(60), "secret=<SECRET>" + "Zk3xQ9vR7t".repeat(60).substring(507)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"emails", "phones", "cards", "ssns", "ipAddresses", "ibans", "keys", "privateKeys", "assignments"})
  void eachDetectorTakesWhatItShouldAndStopsWhereItShould(String input, String expected) {
    assertThat(REDACTOR.redact(input)).isEqualTo(expected);
  }
}
