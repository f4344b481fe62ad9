package dev.llmops.otel;

import dev.llmops.core.redaction.Redactor;
import dev.llmops.eval.monitor.MonitorKey;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributesBuilder;
import org.jspecify.annotations.Nullable;

/** The attributes of a monitor's slice ({@link MonitorKey}), as spans name the same things. */
final class SliceAttributes {
  private SliceAttributes() {}

  /**
   * Puts the feature (redacted, as on spans), the endpoint and the experiment and variant, each when
   * the slice has it.
   */
  static AttributesBuilder slice(AttributesBuilder b, MonitorKey key, Redactor redactor) {
    putIfSet(b, Keys.FEATURE, key.feature().isEmpty() ? "" : redactor.redact(key.feature()));
    putIfSet(b, Keys.ENDPOINT, key.model());
    int colon = key.variant().indexOf(':');
    if (colon >= 0) {
      b.put(Keys.EXPERIMENT, key.variant().substring(0, colon));
      b.put(Keys.VARIANT, key.variant().substring(colon + 1));
    }
    return b;
  }

  /** Puts the prompt's name and version when the slice has a prompt ({@code name@version}). */
  static AttributesBuilder prompt(AttributesBuilder b, MonitorKey key) {
    int at = key.prompt().lastIndexOf('@');
    if (at > 0) {
      b.put(Keys.PROMPT_NAME, key.prompt().substring(0, at));
      try {
        b.put(Keys.LLMOPS_PROMPT_VERSION, Long.parseLong(key.prompt().substring(at + 1)));
      } catch (NumberFormatException e) {
        // a prompt name with an '@' of its own: the name is the whole text
        b.put(Keys.PROMPT_NAME, key.prompt());
      }
    }
    return b;
  }

  static void putIfSet(AttributesBuilder b, AttributeKey<String> key, @Nullable String value) {
    if (value != null && !value.isEmpty()) {
      b.put(key, value);
    }
  }
}
