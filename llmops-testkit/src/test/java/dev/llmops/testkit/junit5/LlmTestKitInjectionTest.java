package dev.llmops.testkit.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.core.LlmClient;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.anthropic.AnthropicChatModel;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.RecordingListener;
import dev.llmops.testkit.TestClock;
import dev.llmops.testkit.provider.Conditions;
import dev.llmops.testkit.server.FakeAnthropicServer;
import dev.llmops.testkit.server.FakeOpenAiServer;
import dev.llmops.testkit.server.ScriptedResponse;
import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link LlmTestKit} injects constructor and test method parameters, and says clearly what it cannot. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LlmTestKitInjectionTest {
  @RegisterExtension
  static final LlmTestKit KIT = LlmTestKit.create();

  private static FakeAnthropicServer previousServer;

  private final TestClock constructorClock;
  private final RecordingListener constructorEvents;

  LlmTestKitInjectionTest(TestClock clock, RecordingListener events) {
    this.constructorClock = clock;
    this.constructorEvents = events;
  }

  @Test
  @Order(1)
  void constructorAndMethodParametersShareTheTestsState(TestClock clock, ManualScheduler scheduler) {
    assertThat(clock).isSameAs(constructorClock).isSameAs(KIT.clock());
    assertThat(scheduler).isSameAs(KIT.scheduler());
    assertThat(scheduler.clock()).isSameAs(clock);
    assertThat(constructorEvents).isSameAs(KIT.events());
  }

  @Test
  @Order(2)
  void theClientHasEveryModelItsMethodNamesAndRecordsItsCalls(
      LlmClient client,
      @LlmTestKit.Model("smart") FakeChatModel smart,
      @LlmTestKit.Model("cheap") FakeChatModel cheap,
      RecordingListener events) {
    smart.reply("smart answer");
    cheap.reply("cheap answer");
    assertThat(client.chat(ChatRequest.builder().model("cheap").user("hi").build()).text()).isEqualTo("cheap answer");
    // The first model named is the default endpoint.
    assertThat(client.chat(ChatRequest.of("hi")).text()).isEqualTo("smart answer");
    assertThat(events.events(RecordingListener.Type.CALL_END)).hasSize(2);
    assertThat(smart).isSameAs(KIT.model("smart"));
    assertThat(client).isSameAs(KIT.client());
  }

  @Test
  @Order(3)
  void anUnnamedModelIsTheDefaultEndpoint(FakeChatModel model, LlmClient.Builder builder) {
    model.failWith(Fault.invalidRequest()).once();
    assertThat(model).isSameAs(KIT.model("default"));
    try (LlmClient client = builder.build()) {
      assertThatThrownBy(() -> client.chat(ChatRequest.of("hi"))).hasMessageContaining("invalid request");
      assertThat(model.callCount()).isEqualTo(1);
    }
  }

  @Test
  @Order(4)
  void fakeServersRunOnTheKitsSchedulerAndAnswerAnAdapter(FakeAnthropicServer anthropic, FakeOpenAiServer openAi) {
    // A delayed answer needs a scheduler: the kit's, whose clock the test advances.
    anthropic.enqueue(ScriptedResponse.reply("late").after(Duration.ofSeconds(1)));
    openAi.enqueue(ScriptedResponse.reply("unused").after(Duration.ofSeconds(1)));
    try (AnthropicChatModel model = AnthropicChatModel.builder().baseUrl(anthropic.baseUrl())
        .apiKey(Secret.of("sk-ant-kit")).model("claude-haiku-4-5").build()) {
      CompletableFuture<ChatResponse> f =
          model.execute(ChatRequest.of("hi"), ModelExchange.unary()).toCompletableFuture();
      Conditions.await(() -> KIT.scheduler().pending() == 1, "the delayed answer was not scheduled");
      assertThat(f).isNotDone();
      KIT.advance(Duration.ofSeconds(1));
      assertThat(f.join().text()).isEqualTo("late");
    }
    previousServer = anthropic;
  }

  @Test
  @Order(5)
  void serversAreClosedAfterTheirTestAndFreshForTheNext(FakeAnthropicServer anthropic) {
    assertThat(previousServer).isNotNull().isNotSameAs(anthropic);
    assertThat(anthropic.requestCount()).isZero();
  }

  @Test
  @Order(6)
  void anotherLlmopsTypeFailsNamingTheParameterAndWhatTheKitInjects() throws Exception {
    Executable method = Samples.class.getDeclaredMethod("sample", Fault.class, String.class);
    assertThat(KIT.supportsParameter(context(method, 0), null)).isTrue();
    assertThat(KIT.supportsParameter(context(method, 1), null)).as("a JDK type is left to others").isFalse();
    assertThatThrownBy(() -> KIT.resolveParameter(context(method, 0), null))
        .isInstanceOf(ParameterResolutionException.class)
        .hasMessageContaining("Fault")
        .hasMessageContaining("index 0")
        .hasMessageContaining("sample")
        .hasMessageContaining("TestClock, ManualScheduler, RecordingListener");

    Executable misnamed = Samples.class.getDeclaredMethod("misnamed", TestClock.class);
    assertThatThrownBy(() -> KIT.resolveParameter(context(misnamed, 0), null))
        .isInstanceOf(ParameterResolutionException.class)
        .hasMessageContaining("@LlmTestKit.Model names a FakeChatModel, not a TestClock");
  }

  /** Methods whose parameters the kit is asked about. */
  static final class Samples {
    void sample(Fault fault, String text) {}

    void misnamed(@LlmTestKit.Model("x") TestClock clock) {}
  }

  private static ParameterContext context(Executable executable, int index) {
    Parameter parameter = executable.getParameters()[index];
    return new ParameterContext() {
      @Override
      public Parameter getParameter() {
        return parameter;
      }

      @Override
      public int getIndex() {
        return index;
      }

      @Override
      public Optional<Object> getTarget() {
        return Optional.empty();
      }
    };
  }
}
