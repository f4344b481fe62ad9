package dev.llmops.testkit.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.llmops.api.CallContext;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.Interceptor;
import dev.llmops.core.LlmClient;
import dev.llmops.core.redaction.RedactingLogger.CallMdc;
import dev.llmops.core.resilience.Resilience;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.Fault;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * While llmops logs on behalf of a call (its events, a listener that threw), the SLF4J MDC holds
 * the call's attribution; before and after, it holds what the application put there.
 */
class CallMdcTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger events = (Logger) LoggerFactory.getLogger("llmops.events");
  private final Logger dispatcher = (Logger) LoggerFactory.getLogger("dev.llmops.core.pipeline.ListenerDispatcher");
  private final TestClock clock = TestClock.create();
  private final ManualScheduler scheduler = ManualScheduler.on(clock);
  private final FakeChatModel model = FakeChatModel.builder().scheduler(scheduler).build();

  @BeforeEach
  void capture() {
    appender.start();
    events.addAppender(appender);
    events.setLevel(Level.DEBUG);
    dispatcher.addAppender(appender);
  }

  @AfterEach
  void release() {
    events.detachAppender(appender);
    events.setLevel(null);
    dispatcher.detachAppender(appender);
    MDC.clear();
  }

  /** Stands in for the prompt, experiment and telemetry steps: what they record on a call. */
  private static final Interceptor ATTRIBUTED = chain -> {
    chain.call().attributes().put(Fingerprint.KEY,
        new Fingerprint("support-reply", 3, "abc", null, "hash", "tone-test", "friendly"));
    chain.call().attributes().put(CallMdc.TRACE_ID_ATTRIBUTE, TRACE);
    chain.call().attributes().put(CallMdc.SPAN_ID_ATTRIBUTE, SPAN);
    return chain.proceed(chain.request());
  };

  private LlmClient.Builder client() {
    return LlmClient.builder().model("m", model).clock(clock).scheduler(scheduler).interceptor(ATTRIBUTED)
        .resilience(Resilience.builder().maxAttempts(2).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).build());
  }

  @Test
  void aRetryIsLoggedWithTheCallsTenantFeaturePromptVariantAndTraceIds() {
    model.failWith(Fault.overloaded()).once();
    MDC.put(CallMdc.TENANT, "the application's own");
    CallContext context = CallContext.ofTenant("acme").withFeature("support");
    try (LlmClient client = client().build()) {
      CompletableFuture<Completion> call = client.chatAsync(ChatRequest.of("hi"), context);
      clock.advance(Duration.ofSeconds(1));
      call.join();
    }
    ILoggingEvent retry = appender.list.stream()
        .filter(e -> e.getFormattedMessage().contains("retry")).findFirst().orElseThrow();
    Map<String, String> mdc = retry.getMDCPropertyMap();
    assertThat(mdc).containsEntry(CallMdc.TENANT, "acme")
        .containsEntry(CallMdc.FEATURE, "support")
        .containsEntry(CallMdc.PROMPT, "support-reply@3")
        .containsEntry(CallMdc.EXPERIMENT, "tone-test")
        .containsEntry(CallMdc.VARIANT, "friendly")
        .containsEntry(CallMdc.TRACE_ID, TRACE)
        .containsEntry(CallMdc.SPAN_ID, SPAN)
        .containsKey(CallMdc.CALL_ID);
    assertThat(retry.getLevel()).isEqualTo(Level.DEBUG);
    // Afterwards the thread's MDC is the application's again, and nothing of the call is left.
    assertThat(MDC.get(CallMdc.TENANT)).isEqualTo("the application's own");
    assertThat(MDC.get(CallMdc.FEATURE)).isNull();
    assertThat(MDC.get(CallMdc.TRACE_ID)).isNull();
    assertThat(MDC.get(CallMdc.CALL_ID)).isNull();
  }

  @Test
  void twoCallsDoNotSeeEachOthersValuesAndAMissingValueIsAbsent() {
    try (LlmClient client = LlmClient.builder().model("m", model).clock(clock).scheduler(scheduler)
        .resilience(Resilience.builder().maxAttempts(2).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).build())
        .build()) {
      model.failWith(Fault.overloaded()).once();
      CompletableFuture<Completion> first = client.chatAsync(ChatRequest.of("a"), CallContext.ofTenant("acme"));
      clock.advance(Duration.ofSeconds(1));
      first.join();
      model.failWith(Fault.overloaded()).once();
      CompletableFuture<Completion> second = client.chatAsync(ChatRequest.of("b"), CallContext.empty());
      clock.advance(Duration.ofSeconds(1));
      second.join();
    }
    List<Map<String, String>> retries = appender.list.stream()
        .filter(e -> e.getFormattedMessage().contains("retry")).map(ILoggingEvent::getMDCPropertyMap).toList();
    assertThat(retries).hasSize(2);
    assertThat(retries.get(0)).containsEntry(CallMdc.TENANT, "acme");
    assertThat(retries.get(1)).doesNotContainKeys(CallMdc.TENANT, CallMdc.PROMPT, CallMdc.TRACE_ID);
    assertThat(retries.get(1).get(CallMdc.CALL_ID)).isNotEqualTo(retries.get(0).get(CallMdc.CALL_ID));
    assertThat(MDC.getCopyOfContextMap()).satisfiesAnyOf(m -> assertThat(m).isNull(), m -> assertThat(m).isEmpty());
  }

  @Test
  void aListenerThatThrowsIsLoggedWithTheCallsMdc() {
    CallListener throwing = new CallListener() {
      @Override
      public void callEnd(CallInfo call, ChatResponse response) {
        throw new IllegalStateException("listener bug");
      }
    };
    try (LlmClient client = client().listener(throwing).build()) {
      client.chat(ChatRequest.of("hi"), CallContext.ofTenant("globex").withFeature("search"));
    }
    ILoggingEvent warning = appender.list.stream()
        .filter(e -> e.getLoggerName().endsWith("ListenerDispatcher")).findFirst().orElseThrow();
    assertThat(warning.getLevel()).isEqualTo(Level.WARN);
    assertThat(warning.getMDCPropertyMap()).containsEntry(CallMdc.TENANT, "globex")
        .containsEntry(CallMdc.FEATURE, "search").containsEntry(CallMdc.PROMPT, "support-reply@3");
    assertThat(MDC.get(CallMdc.TENANT)).isNull();
  }

  @Test
  void aDisabledLevelSetsNoMdc() {
    events.setLevel(Level.INFO);
    model.failWith(Fault.overloaded()).once();
    try (LlmClient client = client().build()) {
      CompletableFuture<Completion> call = client.chatAsync(ChatRequest.of("hi"), CallContext.ofTenant("acme"));
      clock.advance(Duration.ofSeconds(1));
      call.join();
    }
    assertThat(appender.list).isEmpty();
    assertThat(MDC.get(CallMdc.TENANT)).isNull();
  }
}
