package dev.llmops.testkit.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.Message;
import dev.llmops.api.Role;
import dev.llmops.api.ToolCall;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.openai.OpenAiChatModel;
import dev.llmops.testkit.ConformanceData;
import dev.llmops.testkit.server.FakeOpenAiServer;
import dev.llmops.testkit.server.ScriptedResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * Every request body {@link OpenAiChatModel} sends, blocking or streaming, is a valid {@code
 * CreateChatCompletionRequest} of the official OpenAPI spec, for generated requests.
 */
@AddLifecycleHook(OpenAiRequestSchemaTest.NeedsSpec.class)
class OpenAiRequestSchemaTest {

  /**
   * Skips the whole container (jqwik reports an abort in {@code @BeforeContainer} as an error)
   * when the spec is absent; under CI's {@code -Pci} {@link ConformanceData} fails instead.
   */
  static final class NeedsSpec implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
      try {
        ConformanceData.file("openai-openapi.yaml");
        return SkipResult.doNotSkip();
      } catch (org.opentest4j.TestAbortedException e) {
        return SkipResult.skip(String.valueOf(e.getMessage()));
      }
    }
  }

  private static final String BASE = "https://spec.invalid/openai-openapi.json";

  private static FakeOpenAiServer server;
  private static OpenAiChatModel model;
  private static OpenAiChatModel legacy;
  private static Schema schema;

  @BeforeContainer
  static void start() throws IOException {
    JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(ConformanceData.file("openai-openapi.yaml").toFile());
    String json = new ObjectMapper().writeValueAsString(spec);
    // OpenAPI 3.1 schemas are JSON Schema 2020-12. The spec's discriminators have no mapping, and
    // the OpenAPI dialect then expects schema names as role values; in 3.1 a discriminator is only a
    // hint, so 2020-12 validation (oneOf over the message schemas) is the faithful check.
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(Dialects.getDraft202012(),
        b -> b.schemas(Map.of(BASE, json)));
    schema = registry.getSchema(SchemaLocation.of(BASE + "#/components/schemas/CreateChatCompletionRequest"));
    server = FakeOpenAiServer.start();
    model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey(Secret.of("sk-schema")).model("gpt-4o-mini").build();
    legacy = OpenAiChatModel.builder().baseUrl(server.baseUrl()).model("llama3.2").legacyMaxTokens(true).build();
  }

  @AfterContainer
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static List<Error> validate(String body) {
    return schema.validate(body, InputFormat.JSON);
  }

  @Property(tries = 60)
  void everySentBodyMatchesTheSpec(@ForAll("requests") ChatRequest request, @ForAll boolean stream,
      @ForAll boolean useLegacy) {
    OpenAiChatModel m = useLegacy ? legacy : model;
    server.enqueue(ScriptedResponse.reply("ok"));
    if (stream) {
      m.stream(request, c -> {}).join();
    } else {
      m.chat(request);
    }
    String body = server.lastRequest().body();
    assertThat(validate(body)).as(body).isEmpty();
  }

  @Property(tries = 1)
  void theValidatorRejectsWhatTheSpecForbids() {
    // Proof that the schema is really applied: no messages, an unknown role, a temperature above 2.
    assertThat(validate("{\"model\":\"gpt-4o\"}")).isNotEmpty();
    assertThat(validate("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}")).isNotEmpty();
    assertThat(validate("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":3}"))
        .isNotEmpty();
  }

  @Provide
  Arbitrary<ChatRequest> requests() {
    Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40)
        .injectDuplicates(0.1);
    Arbitrary<Message> plain = Combinators.combine(
        Arbitraries.of(Role.SYSTEM, Role.USER, Role.ASSISTANT), text).as(Message::of);
    Arbitrary<Message> toolCall = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8)
        .map(name -> new Message(Role.ASSISTANT, "", List.of(new ToolCall("call_" + name, name, "{\"a\":1}")), null));
    Arbitrary<Message> toolResult = text.map(t -> Message.tool("call_x", t));
    Arbitrary<List<Message>> messages = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, plain), net.jqwik.api.Tuple.of(1, toolCall), net.jqwik.api.Tuple.of(1, toolResult))
        .list().ofMinSize(1).ofMaxSize(6);
    Arbitrary<GenerationParameters> params = Combinators.combine(
        Arbitraries.doubles().between(0, 2).ofScale(2).injectNull(0.5),
        Arbitraries.doubles().between(0.01, 1).ofScale(2).injectNull(0.5),
        Arbitraries.integers().between(1, 4096).injectNull(0.5),
        text.list().ofMaxSize(4),
        Arbitraries.longs().between(-1000, 1000).injectNull(0.7),
        Arbitraries.doubles().between(-2, 2).ofScale(1).injectNull(0.7),
        Arbitraries.doubles().between(-2, 2).ofScale(1).injectNull(0.7))
        .as(GenerationParameters::new);
    Arbitrary<String> tools = Arbitraries.of(
        null, "[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\"}}}]");
    Arbitrary<String> format = Arbitraries.of(null, "{\"type\":\"json_object\"}", "{\"type\":\"text\"}");
    return Combinators.combine(messages, params, tools, format).as((msgs, p, t, f) ->
        ChatRequest.builder().messages(msgs).parameters(p).toolsJson(t).responseFormatJson(f).build());
  }
}
