package dev.llmops.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.AttemptInfo;
import dev.llmops.api.CallEvent;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
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
}
