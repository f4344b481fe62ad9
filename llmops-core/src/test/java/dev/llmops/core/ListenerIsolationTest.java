package dev.llmops.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.AttemptInfo;
import dev.llmops.api.CallEvent;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.spi.ChatModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenerIsolationTest {

  /** Throws from every event. */
  static final class Throwing implements CallListener {
    @Override public void callStart(CallInfo call) { throw new IllegalStateException("boom"); }
    @Override public void callEnd(CallInfo call, ChatResponse response) { throw new IllegalStateException("boom"); }
    @Override public void attemptStart(AttemptInfo attempt) { throw new IllegalStateException("boom"); }
    @Override public void attemptEnd(AttemptInfo attempt, ChatResponse response) { throw new AssertionError("boom"); }
    @Override public void onEvent(CallInfo call, CallEvent event) { throw new IllegalStateException("boom"); }
  }

  record Ping(String name) implements CallEvent {}

  @Test
  void aThrowingListenerBreaksNeitherTheCallNorTheListenersAfterIt() {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    CallListener recording = new CallListener() {
      @Override public void callStart(CallInfo call) { seen.add("callStart"); }
      @Override public void attemptStart(AttemptInfo attempt) { seen.add("attemptStart"); }
      @Override public void attemptEnd(AttemptInfo attempt, ChatResponse response) { seen.add("attemptEnd"); }
      @Override public void callEnd(CallInfo call, ChatResponse response) { seen.add("callEnd"); }
      @Override public void onEvent(CallInfo call, CallEvent event) { seen.add("event:" + event.name()); }
    };
    try (LlmClient client = LlmClient.builder()
        .model("m", Models.echo("fine"))
        .listener(new Throwing())
        .listener(recording)
        .interceptor(chain -> {
          chain.publish(new Ping("ping"));
          return chain.proceed(chain.request());
        })
        .build()) {
      assertThat(client.chat(ChatRequest.of("hi")).text()).isEqualTo("fine");
      assertThat(client.chat(ChatRequest.of("again")).text()).isEqualTo("fine");
      // 5 events throw per call.
      assertThat(client.listenerFailures()).isEqualTo(10);
    }
    assertThat(seen).containsExactly(
        "callStart", "event:ping", "attemptStart", "attemptEnd", "callEnd",
        "callStart", "event:ping", "attemptStart", "attemptEnd", "callEnd");
  }

  @Test
  void attemptScopesOpenInListenerOrderCloseInReverseAroundTheModelAndNeverBreakTheCall() {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    CallListener a = scoping("a", seen);
    CallListener b = scoping("b", seen);
    CallListener throwsOnOpen = new CallListener() {
      @Override public Scope attemptScope(AttemptInfo attempt) { throw new IllegalStateException("boom"); }
    };
    CallListener throwsOnClose = new CallListener() {
      @Override public Scope attemptScope(AttemptInfo attempt) {
        return () -> {
          throw new IllegalStateException("boom");
        };
      }
    };
    ChatModel echo = Models.echo("fine");
    ChatModel model = (request, exchange) -> {
      seen.add("execute");
      return echo.execute(request, exchange);
    };
    try (LlmClient client = LlmClient.builder()
        .model("m", model)
        .listener(a)
        .listener(throwsOnOpen)
        .listener(b)
        .listener(throwsOnClose)
        .build()) {
      assertThat(client.chat(ChatRequest.of("hi")).text()).isEqualTo("fine");
      assertThat(client.listenerFailures()).as("one open and one close threw").isEqualTo(2);
    }
    assertThat(seen).containsExactly("open a", "open b", "execute", "close b", "close a");
  }

  @Test
  void aModelThatThrowsStillHasItsScopesClosed() {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    ChatModel model = (request, exchange) -> {
      throw new IllegalStateException("broken adapter");
    };
    try (LlmClient client = LlmClient.builder().model("m", model).listener(scoping("a", seen)).build()) {
      assertThatThrownBy(() -> client.chat(ChatRequest.of("hi"))).hasMessageContaining("broken adapter");
    }
    assertThat(seen).containsExactly("open a", "close a");
  }

  private static CallListener scoping(String name, List<String> seen) {
    return new CallListener() {
      @Override public Scope attemptScope(AttemptInfo attempt) {
        seen.add("open " + name);
        return () -> seen.add("close " + name);
      }
    };
  }
}
