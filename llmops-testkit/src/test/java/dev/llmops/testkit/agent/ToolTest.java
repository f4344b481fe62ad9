package dev.llmops.testkit.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.agent.Tool;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Tool definitions: schemas generated from records, and what a builder refuses. */
class ToolTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Tone { WARM, FORMAL }

  record Address(String city, @Nullable String zip) {}

  record Request(String orderId, int quantity, double amount, boolean urgent, Tone tone, List<String> tags,
      Address address, Optional<String> note, @Nullable Long limit) {}

  record Unsupported(Map<String, String> map) {}

  @Test
  void aRecordsSchemaRequiresWhatIsNotNullableOrOptional() throws Exception {
    Tool tool = Tool.builder("t").parameters(Request.class).function(inv -> "").build();
    assertThat(JSON.readTree(tool.definition().parametersSchemaJson())).isEqualTo(JSON.readTree("""
        {"type":"object","properties":{
          "orderId":{"type":"string"},"quantity":{"type":"integer"},"amount":{"type":"number"},
          "urgent":{"type":"boolean"},"tone":{"type":"string","enum":["WARM","FORMAL"]},
          "tags":{"type":"array","items":{"type":"string"}},
          "address":{"type":"object","properties":{"city":{"type":"string"},"zip":{"type":"string"}},
                     "required":["city"],"additionalProperties":false},
          "note":{"type":"string"},"limit":{"type":"integer"}},
         "required":["orderId","quantity","amount","urgent","tone","tags","address"],
         "additionalProperties":false}
        """));
  }

  @Test
  void whatABuilderRefusesNamesTheToolOrTheComponent() {
    assertThatThrownBy(() -> Tool.builder("t").parameters(Unsupported.class))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Unsupported.map");
    assertThatThrownBy(() -> Tool.builder("t").parameters(String.class))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a record");
    assertThatThrownBy(() -> Tool.builder("t").parametersSchema("{}").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'t' needs a handler");
    assertThatThrownBy(() -> Tool.builder("t").function(inv -> "").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'t' needs an arguments schema");
    assertThatThrownBy(() -> Tool.builder("t").parametersSchema("[1]").function(inv -> "").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tool 't'");
    assertThatThrownBy(() -> Tool.builder("bad name").parametersSchema("{}").function(inv -> "").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bad name'");
    assertThatThrownBy(() -> Tool.builder("t").maxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
