package dev.llmops.testkit.junit5;

import dev.llmops.core.LlmClient;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.RecordingListener;
import dev.llmops.testkit.TestClock;
import dev.llmops.testkit.server.FakeAnthropicServer;
import dev.llmops.testkit.server.FakeOpenAiServer;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Parameter;
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
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

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
 *
 * <p>The kit also injects test method parameters (and, when its field is static, constructor
 * parameters) of these types:
 *
 * <ul>
 *   <li>{@link LlmClient}: {@link #client()}; {@link LlmClient.Builder}: {@link #clientBuilder()};
 *   <li>{@link FakeChatModel}: {@link #model(String) model(name)} for a parameter annotated {@link
 *       Model @LlmTestKit.Model("name")}, else the first model (created as {@code "default"});
 *       every model a method's parameters name is registered before its client is built;
 *   <li>{@link TestClock}, {@link ManualScheduler}, and {@link RecordingListener} (the recorded
 *       events of the client's calls);
 *   <li>{@link FakeOpenAiServer} and {@link FakeAnthropicServer}: {@link #openAiServer()}, {@link
 *       #anthropicServer()}.
 * </ul>
 *
 * <pre>{@code
 * @Test void fallsBack(LlmClient client, @LlmTestKit.Model("smart") FakeChatModel smart, RecordingListener events) {
 *   smart.failWith(Fault.overloaded()).always();
 *   ...
 * }
 * }</pre>
 *
 * <p>A parameter of another type of llmops-api, llmops-core or the testkit fails with a {@link
 * ParameterResolutionException} naming the parameter, its method and the types the kit injects.
 */
public final class LlmTestKit implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  /** Names the {@link FakeChatModel} endpoint an injected parameter is: {@code @LlmTestKit.Model("smart")}. */
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.PARAMETER)
  public @interface Model {
    /** The endpoint's name, as given to {@link LlmTestKit#model(String)}. */
    String value();
  }

  private static final String INJECTED = "LlmClient, LlmClient.Builder, FakeChatModel (@LlmTestKit.Model(\"name\")"
      + " for a named one), TestClock, ManualScheduler, RecordingListener, FakeOpenAiServer, FakeAnthropicServer";

  private final Consumer<FakeChatModel.Builder> modelDefaults;
  private @Nullable UnaryOperator<LlmClient.Builder> customizer;

  private TestClock clock = TestClock.create();
  private ManualScheduler scheduler = ManualScheduler.on(clock);
  private RecordingListener listener = RecordingListener.create();
  private final Map<String, FakeChatModel> models = new LinkedHashMap<>();
  private @Nullable LlmClient client;
  private @Nullable FakeOpenAiServer openAiServer;
  private @Nullable FakeAnthropicServer anthropicServer;
  /** Whether the state was handed out since the last reset (by a constructor parameter, say). */
  private boolean fresh = true;

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

  /**
   * Starts the test with fresh state, unless its constructor was just given the kit's state (which
   * the previous test's {@link #afterEach} made fresh).
   */
  @Override
  public synchronized void beforeEach(ExtensionContext context) {
    if (fresh) {
      reset();
    }
  }

  /** Closes the client and the fake servers, and makes the state fresh for the next test. */
  @Override
  public synchronized void afterEach(ExtensionContext context) {
    LlmClient c = client;
    if (c != null) {
      c.close();
    }
    closeServers();
    reset();
  }

  private void closeServers() {
    FakeOpenAiServer o = openAiServer;
    if (o != null) {
      o.close();
    }
    FakeAnthropicServer a = anthropicServer;
    if (a != null) {
      a.close();
    }
    openAiServer = null;
    anthropicServer = null;
  }

  private void reset() {
    fresh = true;
    closeServers();
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

  /**
   * A {@link FakeOpenAiServer} on the kit's clock and scheduler, started on first use and closed
   * after the test.
   */
  public synchronized FakeOpenAiServer openAiServer() {
    FakeOpenAiServer s = openAiServer;
    if (s == null) {
      s = FakeOpenAiServer.builder().clock(clock).scheduler(scheduler).start();
      openAiServer = s;
    }
    return s;
  }

  /**
   * A {@link FakeAnthropicServer} on the kit's clock and scheduler, started on first use and
   * closed after the test.
   */
  public synchronized FakeAnthropicServer anthropicServer() {
    FakeAnthropicServer s = anthropicServer;
    if (s == null) {
      s = FakeAnthropicServer.builder().clock(clock).scheduler(scheduler).start();
      anthropicServer = s;
    }
    return s;
  }

  /**
   * True for the types the kit injects, and for the other types of llmops-api, llmops-core and
   * the testkit (which fail, with a reason); other extensions' types are left to them.
   */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    String type = parameter.getParameter().getType().getName();
    return parameter.isAnnotated(Model.class) || type.startsWith("dev.llmops.api.")
        || type.startsWith("dev.llmops.core.") || type.startsWith("dev.llmops.testkit.");
  }

  @Override
  public synchronized Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Parameter p = parameter.getParameter();
    Class<?> type = p.getType();
    Model named = p.getAnnotation(Model.class);
    if (named != null && type != FakeChatModel.class) {
      throw unresolvable(parameter, "@LlmTestKit.Model names a FakeChatModel, not a " + type.getSimpleName());
    }
    fresh = false;
    if (type == FakeChatModel.class) {
      if (named != null) {
        return modelFor(parameter, named.value());
      }
      return models.isEmpty() ? modelFor(parameter, "default") : models.values().iterator().next();
    }
    if (type == LlmClient.class || type == LlmClient.Builder.class) {
      // Every model the method names joins the client, which is built only once.
      for (Parameter other : parameter.getDeclaringExecutable().getParameters()) {
        Model m = other.getAnnotation(Model.class);
        if (m != null && other.getType() == FakeChatModel.class) {
          modelFor(parameter, m.value());
        }
      }
      return type == LlmClient.class ? client() : clientBuilder();
    }
    if (type == TestClock.class) {
      return clock;
    }
    if (type == ManualScheduler.class) {
      return scheduler;
    }
    if (type == RecordingListener.class) {
      return listener;
    }
    if (type == FakeOpenAiServer.class) {
      return openAiServer();
    }
    if (type == FakeAnthropicServer.class) {
      return anthropicServer();
    }
    throw unresolvable(parameter, "LlmTestKit injects " + INJECTED);
  }

  private FakeChatModel modelFor(ParameterContext parameter, String name) {
    try {
      return model(name);
    } catch (IllegalStateException e) {
      throw unresolvable(parameter, e.getMessage());
    }
  }

  private static ParameterResolutionException unresolvable(ParameterContext parameter, @Nullable String why) {
    return new ParameterResolutionException("LlmTestKit cannot inject parameter [" + parameter.getParameter()
        + "] (index " + parameter.getIndex() + ") of " + parameter.getDeclaringExecutable() + ": " + why);
  }

  /** Advances the clock, running what falls due. */
  public void advance(Duration amount) {
    clock().advance(amount);
  }
}
