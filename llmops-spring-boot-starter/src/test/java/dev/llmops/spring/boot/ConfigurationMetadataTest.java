package dev.llmops.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.api.ConfigurationException;
import dev.llmops.core.config.ConfigBindings;
import dev.llmops.core.config.LlmOpsConfig;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The configuration metadata IDEs read covers every top-level key the configuration reader allows
 * (asked from the reader itself, through the error an unknown key gets) and the starter's own keys.
 */
class ConfigurationMetadataTest {
  @Test
  void everyKeyTheReaderAllowsHasMetadata() throws Exception {
    JsonNode metadata;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("the metadata resource").isNotNull();
      metadata = new ObjectMapper().readTree(in);
    }
    List<String> names = new ArrayList<>();
    metadata.get("properties").forEach(p -> names.add(p.get("name").asText()));

    String problem = "";
    try {
      LlmOpsConfig.fromProperties(Map.of("notAKey", "x"), "t").assemble(ConfigBindings.builder().build());
    } catch (ConfigurationException e) {
      problem = e.problems().stream().filter(p -> p.startsWith("t: notAKey:")).findFirst().orElse("");
    }
    Matcher m = Pattern.compile("allowed here: \\[([^]]+)]").matcher(problem);
    assertThat(m.find()).as("the reader names its keys: " + problem).isTrue();
    List<String> allowed = Arrays.stream(m.group(1).split(",\\s*")).map(k -> "llmops." + k).toList();
    assertThat(allowed).hasSizeGreaterThan(10);
    assertThat(names).containsAll(allowed)
        .contains("llmops.enabled", "llmops.micrometer.enabled", "llmops.micrometer.tenant-tag",
            "management.endpoint.llmops.access");
  }
}
