package dev.llmops.core.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ConfigurationException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NotBlank;
import org.junit.jupiter.api.Test;

class SecretTest {
  @Property
  void neverPrintsItsValue(@ForAll @NotBlank @AlphaChars String value) {
    Secret s = Secret.of(value);
    assertThat(s.toString()).isEqualTo("Secret[****]");
    assertThat(String.valueOf(s)).doesNotContain(value.length() > 4 ? value : "never-matches-\u0000");
    assertThat(s.reveal()).isEqualTo(value);
  }

  @Test
  void rejectsBlankValuesWithoutEchoingThem() {
    assertThatThrownBy(() -> Secret.of("   ")).isInstanceOf(IllegalArgumentException.class).hasMessage("a secret must not be blank");
  }

  @Test
  void missingEnvironmentVariableNamesTheVariable() {
    String name = "LLMOPS_TEST_VARIABLE_THAT_IS_NEVER_SET";
    assertThat(Secret.fromEnvIfSet(name)).isEmpty();
    assertThatThrownBy(() -> Secret.fromEnv(name)).isInstanceOf(ConfigurationException.class).hasMessageContaining(name);
  }

  @Test
  void equalityIsIdentity() {
    assertThat(Secret.of("abc")).isNotEqualTo(Secret.of("abc"));
  }
}
