package dev.llmops.testkit.junit5;

import dev.llmops.core.LlmClient;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.RecordingListener;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that gives each test a {@link TestClock}, a {@link ManualScheduler} on it,
 * named {@link FakeChatModel}s, a {@link RecordingListener} and an {@link LlmClient} wired to all
 * of them. State is fresh for every test (also when the field is static).
 *
 * <pre>{@code
 * @RegisterExtension final LlmTestKit kit = LlmTestKit.create();
 *
 * @Test void retriesOnOverload() {
 *   kit.model("smart").failWith(Fault.overloaded()).once();
 *   Completion c = kit.client().chat(ChatRequest.of("hi"));
 *   assertThat(kit.model("smart").callCount()).isEqualTo(2);
 * }
 * }</pre>
 *
 * <p>Models requested before the first {@link #client()} call are registered with it, the first
 * one as the default endpoint; {@link #customize} adds interceptors, listeners or steps.
 */
public final class LlmTestKit implements BeforeEachCallback, AfterEachCallback {
  private final Consumer<FakeChatModel.Builder> modelDefaults;
  private @Nullable UnaryOperator<LlmClient.Builder> customizer;

  private TestClock clock = TestClock.create();
  private ManualScheduler scheduler = ManualScheduler.on(clock);
  private RecordingListener listener = RecordingListener.create();
  private final Map<String, FakeChatModel> models = new LinkedHashMap<>();
  private @Nullable LlmClient client;

  private LlmTestKit(Consumer<FakeChatModel.Builder> modelDefaults) {
    this.modelDefaults = modelDefaults;
  }

  /** A kit whose fakes answer at once. */
  public static LlmTestKit create() {
    return new LlmTestKit(b -> {});
  }

  /** A kit whose fakes are built with {@code defaults} applied (latency, seed, ...). */
  public static LlmTestKit withModelDefaults(Consumer<FakeChatModel.Builder> defaults) {
    return new LlmTestKit(Objects.requireNonNull(defaults, "defaults"));
  }

  /** Adds a customisation applied to the client builder when {@link #client()} builds it. */
  public synchronized LlmTestKit customize(UnaryOperator<LlmClient.Builder> customizer) {
    Objects.requireNonNull(customizer, "customizer");
    UnaryOperator<LlmClient.Builder> before = this.customizer;
    this.customizer = before == null ? customizer : b -> customizer.apply(before.apply(b));
    client = null;
    return this;
  }

  @Override
  public synchronized void beforeEach(ExtensionContext context) {
    reset();
  }

  @Override
  public synchronized void afterEach(ExtensionContext context) {
    LlmClient c = client;
    if (c != null) {
      c.close();
    }
    client = null;
  }

  private void reset() {
    clock = TestClock.create();
    scheduler = ManualScheduler.on(clock);
    listener = RecordingListener.create();
    models.clear();
    client = null;
  }

  /** The test's clock. */
  public synchronized TestClock clock() {
    return clock;
  }

  /** The test's scheduler, driven by {@link #clock()}. */
  public synchronized ManualScheduler scheduler() {
    return scheduler;
  }

  /** Records every event of {@link #client()}. */
  public synchronized RecordingListener events() {
    return listener;
  }

  /** The fake model endpoint {@code name}, created on first use with the kit's scheduler. */
  public synchronized FakeChatModel model(String name) {
    return models.computeIfAbsent(
        name,
        n -> {
          if (client != null) {
            throw new IllegalStateException(
                "model '" + n + "' was first asked for after client() was built; ask for every model before");
          }
          FakeChatModel.Builder b = FakeChatModel.builder().modelId(n).scheduler(scheduler);
          modelDefaults.accept(b);
          return b.build();
        });
  }

  /** A client builder wired with the kit's models, clock, scheduler and recording listener. */
  public synchronized LlmClient.Builder clientBuilder() {
    if (models.isEmpty()) {
      model("default");
    }
    LlmClient.Builder b = LlmClient.builder().clock(clock).scheduler(scheduler).listener(listener);
    models.forEach(b::model);
    return customizer == null ? b : customizer.apply(b);
  }

  /** The client, built on first use from {@link #clientBuilder()}. */
  public synchronized LlmClient client() {
    LlmClient c = client;
    if (c == null) {
      c = clientBuilder().build();
      client = c;
    }
    return c;
  }

  /** Advances the clock, running what falls due. */
  public void advance(Duration amount) {
    clock().advance(amount);
  }
}
