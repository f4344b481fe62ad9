package dev.llmops.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.core.LlmClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** What every section reader shares with the {@link Assembler} it belongs to. */
abstract class Section {
  final Assembler a;
  final ConfigReader r;
  final ConfigBindings bindings;
  final JsonNode root;
  final Path base;
  final Clock clock;
  final Function<String, @Nullable String> env;
  final LlmClient.Builder client;

  Section(Assembler a) {
    this.a = a;
    this.r = a.r;
    this.bindings = a.bindings;
    this.root = a.root;
    this.base = a.base;
    this.clock = a.clock;
    this.env = a.env;
    this.client = a.client;
  }
}
