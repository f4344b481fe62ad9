package dev.llmops.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.AttemptInfo;
import dev.llmops.api.AttributeKey;
import dev.llmops.api.CallContext;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.CallMode;
import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Completion;
import dev.llmops.api.InvalidRequestException;
import dev.llmops.api.RateLimitedException;
import dev.llmops.api.LlmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class CallLifecycleTest {
  static final AttributeKey<String> NOTE = AttributeKey.of("test.note", String.class);

  final List<String> events = Collections.synchronizedList(new ArrayList<>());
  final CallListener recorder = new CallListener() {
    @Override public void callStart(CallInfo call) { events.add("callStart:" + call.mode()); }
    @Override public void callEnd(CallInfo call, ChatResponse response) { events.add("callEnd"); }
    @Override public void callFailed(CallInfo call, Throwable error) { events.add("callFailed:" + error.getClass().getSimpleName()); }
    @Override public void attemptStart(AttemptInfo attempt) { events.add("attemptStart:" + attempt.number() + "@" + attempt.endpoint()); }
    @Override public void firstChunk(AttemptInfo attempt, ChatChunk chunk) { events.add("firstChunk"); }
    @Override public void attemptEnd(AttemptInfo attempt, ChatResponse response) { events.add("attemptEnd"); }
    @Override public void attemptFailed(AttemptInfo attempt, Throwable error) { events.add("attemptFailed:" + error.getClass().getSimpleName()); }
  };

  @Test
  void asyncCallCompletesLaterWithoutBlockingAndReportsInOrder() {
    Models.Pending model = new Models.Pending();
    try (LlmClient client = LlmClient.builder().model("slow", model).listener(recorder).build()) {
      CompletableFuture<Completion> f = client.chatAsync(ChatRequest.of("hi"), CallContext.ofTenant("acme"));
      assertThat(f).isNotDone();
      assertThat(events).containsExactly("callStart:ASYNC", "attemptStart:1@slow");
      model.futures.get(0).complete(Models.response("later"));
      assertThat(f).isCompleted();
      assertThat(f.join().text()).isEqualTo("later");
      assertThat(f.join().attempts()).isEqualTo(1);
      assertThat(events).containsExactly("callStart:ASYNC", "attemptStart:1@slow", "attemptEnd", "callEnd");
    }
  }

  @Test
  void cancellingAnAsyncCallCancelsTheAttemptOnceAndReportsIt() {
    Models.Pending model = new Models.Pending();
    try (LlmClient client = LlmClient.builder().model("slow", model).listener(recorder).build()) {
      CompletableFuture<Completion> f = client.chatAsync(ChatRequest.of("hi"));
      assertThat(f.cancel(true)).isTrue();
      assertThat(f).isCancelled();
      assertThat(model.cancelled).containsExactly("attempt-1");
      assertThat(model.exchanges.get(0).cancelled()).isTrue();
      // A late answer after the cancel changes nothing.
      model.futures.get(0).complete(Models.response("too late"));
      assertThat(f.cancel(true)).isFalse();
      assertThat(events).containsExactly(
          "callStart:ASYNC", "attemptStart:1@slow", "attemptFailed:CancellationException", "callFailed:CancellationException");
    }
  }

  @Test
  void orTimeoutOnTheFutureAbortsTheAttemptToo() {
    Models.Pending model = new Models.Pending();
    try (LlmClient client = LlmClient.builder().model("slow", model).listener(recorder).build()) {
      CompletableFuture<Completion> f = client.chatAsync(ChatRequest.of("hi"));
      f.completeExceptionally(new java.util.concurrent.TimeoutException("caller gave up"));
      assertThat(model.cancelled).containsExactly("attempt-1");
      assertThat(events).containsExactly(
          "callStart:ASYNC", "attemptStart:1@slow", "attemptFailed:TimeoutException", "callFailed:TimeoutException");
    }
  }

  @Test
  void streamingDeliversChunksInOrderThenTheAggregate() {
    List<String> chunks = new ArrayList<>();
    try (LlmClient client = LlmClient.builder().model("m", Models.echo("abc")).listener(recorder).build()) {
      StreamingCall call = client.stream(ChatRequest.of("hi"), c -> chunks.add(c.textDelta()));
      Completion c = call.completion().join();
      assertThat(chunks).containsExactly("a", "b", "c");
      assertThat(c.text()).isEqualTo("abc");
    }
    assertThat(events).containsExactly("callStart:STREAM", "attemptStart:1@m", "firstChunk", "attemptEnd", "callEnd");
  }

  @Test
  void cancellingAStreamStopsDeliveryAndReportsTheAttemptCancelled() {
    Models.Pending model = new Models.Pending();
    List<String> chunks = new ArrayList<>();
    try (LlmClient client = LlmClient.builder().model("m", model).listener(recorder).build()) {
      StreamingCall call = client.stream(ChatRequest.of("hi"), c -> chunks.add(c.textDelta()));
      model.exchanges.get(0).emit(ChatChunk.text(0, "one "));
      assertThat(call.cancel()).isTrue();
      model.exchanges.get(0).emit(ChatChunk.text(1, "two "));
      assertThat(chunks).containsExactly("one ");
      assertThat(call.completion()).isCompletedExceptionally();
      assertThatThrownBy(() -> call.completion().join()).isInstanceOf(CancellationException.class);
      assertThat(model.cancelled).hasSize(1);
    }
    assertThat(events).containsExactly(
        "callStart:STREAM", "attemptStart:1@m", "firstChunk", "attemptFailed:CancellationException",
        "callFailed:CancellationException");
  }

  @Test
  void aThrowingStreamHandlerEndsTheCallWithItsFailure() {
    Models.Pending model = new Models.Pending();
    try (LlmClient client = LlmClient.builder().model("m", model).listener(recorder).build()) {
      StreamingCall call = client.stream(ChatRequest.of("hi"), c -> {
        throw new IllegalArgumentException("handler bug");
      });
      model.exchanges.get(0).emit(ChatChunk.text(0, "x"));
      assertThatThrownBy(() -> call.completion().join()).hasCauseInstanceOf(IllegalArgumentException.class);
      assertThat(model.cancelled).hasSize(1);
    }
  }

  @Test
  void blockingCallRethrowsTheTypedFailureUnwrapped() {
    LlmException limited = new RateLimitedException("slow down", LlmException.ErrorDetails.of("p", "m").withHttpStatus(429));
    try (LlmClient client = LlmClient.builder()
        .model("m", (r, e) -> CompletableFuture.failedFuture(limited))
        .listener(recorder)
        .build()) {
      assertThatThrownBy(() -> client.chat(ChatRequest.of("hi"))).isSameAs(limited);
    }
    assertThat(events).containsExactly(
        "callStart:BLOCKING", "attemptStart:1@m", "attemptFailed:RateLimitedException", "callFailed:RateLimitedException");
  }

  @Test
  void aModelThatThrowsInsteadOfFailingItsStageIsStillReported() {
    try (LlmClient client = LlmClient.builder()
        .model("m", (r, e) -> { throw new IllegalStateException("adapter bug"); })
        .listener(recorder)
        .build()) {
      assertThatThrownBy(() -> client.chat(ChatRequest.of("hi"))).isInstanceOf(IllegalStateException.class);
    }
    assertThat(events).contains("attemptFailed:IllegalStateException", "callFailed:IllegalStateException");
  }

  @Test
  void unknownEndpointAndEmptyMessagesFailWithInvalidRequestNamingThem() {
    try (LlmClient client = LlmClient.builder().model("fast", Models.echo("x")).build()) {
      assertThatThrownBy(() -> client.chat(ChatRequest.builder().model("smart").user("hi").build()))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("'smart'")
          .hasMessageContaining("fast");
      assertThatThrownBy(() -> client.chat(ChatRequest.builder().build()))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("no messages");
    }
  }

  @Test
  void defaultEndpointIsTheFirstRegisteredUnlessNamed() {
    try (LlmClient first = LlmClient.builder().model("a", Models.echo("A")).model("b", Models.echo("B")).build();
         LlmClient named = LlmClient.builder().model("a", Models.echo("A")).model("b", Models.echo("B")).defaultModel("b").build()) {
      assertThat(first.chat(ChatRequest.of("x")).text()).isEqualTo("A");
      assertThat(named.chat(ChatRequest.of("x")).text()).isEqualTo("B");
      assertThat(named.endpointFor(null)).isEqualTo("b");
    }
  }

  @Test
  void builderRejectsBadConfigurationAtOnce() {
    assertThatThrownBy(() -> LlmClient.builder().build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> LlmClient.builder().model("a", Models.echo("x")).defaultModel("zzz").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("zzz");
    assertThatThrownBy(() -> LlmClient.builder().model("a", Models.echo("x")).model("a", Models.echo("y")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered");
    assertThatThrownBy(() -> LlmClient.builder().model(" ", Models.echo("x")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void attributesSetAtCallStartAndByStepsReachTheCompletion() {
    try (LlmClient client = LlmClient.builder()
        .model("m", Models.echo("x"))
        .interceptor(chain -> {
          String before = chain.call().attributes().get(NOTE).orElse("none");
          chain.call().attributes().put(NOTE, before + "+step");
          return chain.proceed(chain.request());
        })
        .build()) {
      Completion c = client.request(ChatRequest.of("hi")).attribute(NOTE, "start").call();
      assertThat(c.attribute(NOTE)).contains("start+step");
      assertThat(client.chat(ChatRequest.of("hi")).attribute(NOTE)).contains("none+step");
    }
  }

  @Test
  void internalAttributesStayInsideThePipeline() {
    AttributeKey<String> state = AttributeKey.internal("test.state", String.class);
    List<String> seenByListener = new ArrayList<>();
    try (LlmClient client = LlmClient.builder()
        .model("m", Models.echo("x"))
        .interceptor(chain -> {
          chain.call().attributes().put(state, "working");
          chain.call().attributes().put(NOTE, "result");
          return chain.proceed(chain.request());
        })
        .listener(new CallListener() {
          @Override public void callEnd(CallInfo call, ChatResponse response) {
            seenByListener.add(call.attributes().get(state).orElse("missing"));
          }
        })
        .build()) {
      Completion c = client.chat(ChatRequest.of("hi"));
      assertThat(c.attribute(NOTE)).contains("result");
      assertThat(c.attribute(state)).isEmpty();
      assertThat(c.attributes()).containsOnlyKeys(NOTE);
      assertThat(seenByListener).containsExactly("working");
    }
  }

  @Test
  void callInfoCarriesContextModeAndOriginalRequest() {
    List<CallInfo> calls = new ArrayList<>();
    ChatRequest request = ChatRequest.of("hi");
    try (LlmClient client = LlmClient.builder()
        .model("m", Models.echo("x"))
        .listener(new CallListener() {
          @Override public void callStart(CallInfo call) { calls.add(call); }
        })
        .build()) {
      client.chat(request, CallContext.ofTenant("acme").withSubject("u1").withFeature("f"));
    }
    assertThat(calls).singleElement().satisfies(call -> {
      assertThat(call.mode()).isEqualTo(CallMode.BLOCKING);
      assertThat(call.context().tenant()).isEqualTo("acme");
      assertThat(call.context().subject()).isEqualTo("u1");
      assertThat(call.originalRequest()).isSameAs(request);
      assertThat(call.callId()).startsWith("call-");
    });
  }

  @Test
  @SuppressWarnings("NullAway") // deliberately breaks the contract
  void anInterceptorReturningNullFailsTheCallNamingIt() {
    try (LlmClient client = LlmClient.builder().model("m", Models.echo("x")).interceptor(chain -> null).build()) {
      assertThatThrownBy(() -> client.chat(ChatRequest.of("hi")))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("returned null");
    }
  }

  @Test
  void publisherHonoursDemandAndCompletes() {
    try (LlmClient client = LlmClient.builder().model("m", Models.echo("abcd")).build()) {
      List<String> got = new ArrayList<>();
      List<String> signals = new ArrayList<>();
      Flow.Subscription[] sub = new Flow.Subscription[1];
      client.request(ChatRequest.of("hi")).publisher().subscribe(new Flow.Subscriber<ChatChunk>() {
        @Override public void onSubscribe(Flow.Subscription s) { sub[0] = s; }
        @Override public void onNext(ChatChunk item) { got.add(item.textDelta()); }
        @Override public void onError(Throwable t) { signals.add("error"); }
        @Override public void onComplete() { signals.add("complete"); }
      });
      assertThat(got).isEmpty();
      sub[0].request(2);
      assertThat(got).containsExactly("a", "b");
      assertThat(signals).isEmpty();
      sub[0].request(10);
      assertThat(got).containsExactly("a", "b", "c", "d");
      assertThat(signals).containsExactly("complete");
    }
  }

  @Test
  void publisherCancelCancelsTheCall() {
    Models.Pending model = new Models.Pending();
    try (LlmClient client = LlmClient.builder().model("m", model).build()) {
      List<String> signals = new ArrayList<>();
      Flow.Subscription[] sub = new Flow.Subscription[1];
      client.request(ChatRequest.of("hi")).publisher().subscribe(new Flow.Subscriber<ChatChunk>() {
        @Override public void onSubscribe(Flow.Subscription s) { sub[0] = s; s.request(Long.MAX_VALUE); }
        @Override public void onNext(ChatChunk item) { signals.add("next"); }
        @Override public void onError(Throwable t) { signals.add("error"); }
        @Override public void onComplete() { signals.add("complete"); }
      });
      model.exchanges.get(0).emit(ChatChunk.text(0, "x"));
      sub[0].cancel();
      assertThat(model.cancelled).hasSize(1);
      model.exchanges.get(0).emit(ChatChunk.text(1, "y"));
      assertThat(signals).containsExactly("next");
    }
  }

  @Test
  void interruptedBlockingCallerCancelsTheCall() throws Exception {
    Models.Pending model = new Models.Pending();
    try (LlmClient client = LlmClient.builder().model("m", model).listener(recorder).build()) {
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> client.chat(ChatRequest.of("hi"))).isInstanceOf(CancellationException.class);
      assertThat(Thread.interrupted()).isTrue();
      assertThat(model.cancelled).hasSize(1);
    }
  }

  @Test
  void failedStageFromAnInterceptorIsUnwrapped() {
    try (LlmClient client = LlmClient.builder()
        .model("m", Models.echo("x"))
        .interceptor(chain -> CompletableFuture.<ChatResponse>failedFuture(new CompletionException(new IllegalStateException("inner"))))
        .build()) {
      assertThatThrownBy(() -> client.chat(ChatRequest.of("hi"))).isInstanceOf(IllegalStateException.class).hasMessage("inner");
    }
  }
}
