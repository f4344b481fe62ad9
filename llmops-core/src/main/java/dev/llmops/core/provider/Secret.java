package dev.llmops.core.provider;

import dev.llmops.api.ConfigurationException;
import java.util.Objects;
import java.util.Optional;

/**
 * A secret value, such as a provider API key, that never shows itself by accident: {@link
 * #toString()} prints {@code Secret[****]}, and the adapters put it only into request headers,
 * never into URLs, exception messages or logs. Only {@link #reveal()} gives the value.
 *
 * <pre>{@code
 * OpenAiChatModel.builder().apiKey(Secret.fromEnv("OPENAI_API_KEY")).model("gpt-4o-mini").build();
 * }</pre>
 *
 * <p>Immutable and thread-safe. Two secrets are equal only if they are the same instance, so a
 * value cannot be guessed through {@code equals}.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /**
   * A secret holding {@code value}.
   *
   * @throws IllegalArgumentException if {@code value} is blank (the message does not contain it)
   */
  public static Secret of(String value) {
    Objects.requireNonNull(value, "value");
    if (value.isBlank()) {
      throw new IllegalArgumentException("a secret must not be blank");
    }
    return new Secret(value);
  }

  /**
   * The secret held by the environment variable {@code name}.
   *
   * @throws ConfigurationException naming the variable if it is unset or blank
   */
  public static Secret fromEnv(String name) {
    return fromEnvIfSet(name)
        .orElseThrow(
            () -> new ConfigurationException("environment variable " + name + " is not set or blank"));
  }

  /** The secret held by the environment variable {@code name}, or empty if it is unset or blank. */
  public static Optional<Secret> fromEnvIfSet(String name) {
    Objects.requireNonNull(name, "name");
    String value = System.getenv(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(new Secret(value));
  }

  /** The value itself; put it into a request header, nowhere else. */
  public String reveal() {
    return value;
  }

  /** Always {@code Secret[****]}: the value is never printed. */
  @Override
  public String toString() {
    return "Secret[****]";
  }
}
