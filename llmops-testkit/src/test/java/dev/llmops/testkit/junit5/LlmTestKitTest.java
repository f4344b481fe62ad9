package dev.llmops.testkit.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.RecordingListener;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LlmTestKitTest {
  @RegisterExtension
  static final LlmTestKit KIT = LlmTestKit.withModelDefaults(b -> b.latency(Duration.ofMillis(100)));

  @Test
  @Order(1)
  void wiresModelsClockSchedulerAndListener() {
    KIT.model("smart").failWith(Fault.overloaded()).once();
    KIT.model("cheap").reply("cheap answer");
    CompletableFuture<Completion> f = KIT.client().chatAsync(ChatRequest.builder().model("cheap").user("hi").build());
    assertThat(f).isNotDone();
    KIT.advance(Duration.ofMillis(100));
    assertThat(f.join().text()).isEqualTo("cheap answer");
    assertThat(KIT.events().events(RecordingListener.Type.CALL_END)).hasSize(1);
    assertThat(KIT.clock().instant()).isEqualTo(dev.llmops.testkit.TestClock.DEFAULT_START.plusMillis(100));
  }

  @Test
  @Order(2)
  void stateIsFreshForEveryTestEvenWithAStaticField() {
    // The failure scripted in the first test is gone, and so are its events and clock time.
    assertThat(KIT.events().events()).isEmpty();
    assertThat(KIT.clock().instant()).isEqualTo(dev.llmops.testkit.TestClock.DEFAULT_START);
    assertThat(KIT.model("smart").callCount()).isZero();
    CompletableFuture<Completion> f = KIT.client().chatAsync(ChatRequest.builder().model("smart").user("hi").build());
    KIT.advance(Duration.ofMillis(100));
    assertThat(f.join().endpoint()).isEqualTo("smart");
  }
}
