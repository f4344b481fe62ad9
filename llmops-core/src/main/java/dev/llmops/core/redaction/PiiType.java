package dev.llmops.core.redaction;

/**
 * The kinds of sensitive data the built-in detectors find. The name is the tag a {@link
 * RedactionMode#TAG} replacement writes ({@code <EMAIL>}).
 */
public enum PiiType {
  /** An email address ({@code local@domain.tld}). */
  EMAIL,
  /**
   * A phone number: international ({@code +} and 8 to 15 digits) or national with separators
   * ({@code (415) 555-0132}, {@code 415-555-0132}, {@code 09-7625400}).
   */
  PHONE,
  /** A payment card number: 13 to 19 digits, optionally grouped, passing the Luhn check. */
  CREDIT_CARD,
  /** A US social security number written {@code ddd-dd-dddd} (or with spaces or dots). */
  US_SSN,
  /** An IBAN with a valid country length and ISO 13616 mod-97 check digits. */
  IBAN,
  /** An IPv4 or IPv6 address. */
  IP_ADDRESS,
  /** A JSON Web Token ({@code eyJ...}). */
  JWT,
  /** A PEM private key block ({@code -----BEGIN ... PRIVATE KEY-----}). */
  PRIVATE_KEY,
  /**
   * A provider credential recognised by its shape: OpenAI and Anthropic ({@code sk-...}), AWS
   * access key ids, GitHub, GitLab, Slack (tokens and webhooks), Google API keys, Stripe secret keys.
   */
  API_KEY,
  /**
   * A value assigned to a key that names a secret ({@code password=...}, {@code "api_key": "..."},
   * {@code Authorization: Bearer ...}); only the value is redacted.
   */
  SECRET
}
