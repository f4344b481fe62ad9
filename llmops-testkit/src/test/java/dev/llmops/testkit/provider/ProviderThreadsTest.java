package dev.llmops.testkit.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.ProviderUnavailableException;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.provider.openai.OpenAiChatModel;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import dev.llmops.testkit.server.FakeOpenAiServer;
import dev.llmops.testkit.server.ScriptedResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The threads an adapter's own HTTP client runs on: a fixed pool of {@code ioThreads}, named for
 * the model, whatever the number of calls in flight, and ended by {@code close()}. (How many
 * threads a burst of 10,000 calls costs, and the caller's time per submit, are measured by {@code
 * LoadBenchmark}, not asserted here.)
 */
class ProviderThreadsTest {
  private static final String MODEL = "threads-test-model";

  private final TestClock clock = TestClock.create();
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final FakeOpenAiServer server = FakeOpenAiServer.builder().scheduler(scheduler).clock(clock).start();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void callsInFlightRunOnTheModelsFixedPoolAndCloseEndsIt() {
    OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).model(MODEL).ioThreads(2).build();
    Set<String> before = threadNames();
    int calls = 300;
    for (int i = 0; i < calls; i++) {
      server.enqueue(ScriptedResponse.reply("answer " + i).after(Duration.ofSeconds(1)));
    }
    List<CompletableFuture<ChatResponse>> pending = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      pending.add(model.chatAsync(ChatRequest.of("call " + i)));
    }
    Conditions.await(() -> scheduler.pending() == calls, "all calls should be held by the server");

    Set<String> during = threadNames();
    assertThat(poolThreads(during)).as("the model's pool").isNotEmpty().hasSizeLessThanOrEqualTo(2);
    assertThat(during).as("no JDK default worker started for these calls")
        .noneMatch(name -> name.startsWith("HttpClient-") && name.contains("-Worker-") && !before.contains(name));

    clock.advance(Duration.ofSeconds(1));
    for (CompletableFuture<ChatResponse> p : pending) {
      assertThat(ChatModel.join(p).text()).startsWith("answer ");
    }

    model.close();
    Conditions.await(() -> poolThreads(threadNames()).isEmpty(), "close() should end the model's threads");
    assertThatThrownBy(() -> model.chat(ChatRequest.of("after close")))
        .isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("closed");
  }

  @Test
  void ioThreadsIsValidated() {
    assertThatThrownBy(() -> OpenAiChatModel.builder().ioThreads(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ioThreads");
  }

  private static Set<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive).map(Thread::getName).collect(Collectors.toSet());
  }

  private static Set<String> poolThreads(Set<String> names) {
    return names.stream().filter(n -> n.startsWith("llmops-http-") && n.endsWith("(" + MODEL + ")"))
        .collect(Collectors.toSet());
  }

}
