package dev.llmops.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.api.spi.ModelExchange;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import dev.llmops.testkit.Fault;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * While a model starts an attempt, the call's span is the current OpenTelemetry context, so that an
 * instrumented HTTP client nests the provider request under it and sends its trace headers.
 */
class AttemptScopeTest {
  private final OtelFixture f = new OtelFixture();

  /** A model that notes the current span and the W3C headers an HTTP client would send. */
  static final class Observing implements ChatModel {
    final ChatModel delegate;
    final List<SpanContext> current = new ArrayList<>();
    final List<String> traceparents = new ArrayList<>();

    Observing(ChatModel delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletionStage<ChatResponse> execute(ChatRequest request, ModelExchange exchange) {
      current.add(Span.current().getSpanContext());
      Map<String, String> headers = new HashMap<>();
      W3CTraceContextPropagator.getInstance().inject(Context.current(), headers, Map::put);
      traceparents.add(headers.get("traceparent"));
      return delegate.execute(request, exchange);
    }

    @Override
    public ModelInfo info() {
      return delegate.info();
    }
  }

  private LlmClient.Builder client(ChatModel smart, ChatModel cheap) {
    return LlmClient.builder()
        .model("smart", smart)
        .model("cheap", cheap)
        .clock(f.clock)
        .scheduler(f.scheduler)
        .listener(f.instrumentation(GenAiConventions.V1_41, false));
  }

  private ChatResponse run(LlmClient client, ChatRequest request) {
    CompletableFuture<?> call = client.chatAsync(request);
    f.clock.advance(Duration.ofSeconds(5));
    return ((dev.llmops.api.Completion) call.join()).response();
  }

  private static String traceparent(SpanData span) {
    return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getSpanContext().getTraceFlags().asHex();
  }

  @Test
  void theModelStartsInTheCallSpanAndTheCallersContextIsBackAfterwards() {
    Observing smart = new Observing(f.primary);
    LlmClient client = client(smart, f.backup).build();
    Span parent = f.sdk.getTracer("test").spanBuilder("request").startSpan();
    Scope scope = parent.makeCurrent();
    try {
      run(client, ChatRequest.builder().model("smart").user("hi").build());
      assertThat(Span.current()).as("the caller's context, restored").isSameAs(parent);
    } finally {
      scope.close();
      parent.end();
    }

    SpanData call = OtelFixture.named(f.spans(), "chat").orElseThrow();
    assertThat(call.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
    assertThat(smart.current).containsExactly(call.getSpanContext());
    assertThat(smart.traceparents).containsExactly(traceparent(call));
    assertThat(Span.current().getSpanContext().isValid()).isFalse();
  }

  @Test
  void laterAttemptsStartInTheirOwnAttemptSpans() {
    Observing smart = new Observing(f.primary);
    Observing cheap = new Observing(f.backup);
    LlmClient client = client(smart, cheap)
        .step(PipelineStep.RESILIENCE, chain -> chain.proceed(chain.request())
            .exceptionallyCompose(e -> chain.proceed(chain.request()))
            .exceptionallyCompose(e -> chain.proceed(chain.request().withModel("cheap"))))
        .build();
    f.primary.failNext(2, Fault.rateLimited(Duration.ofSeconds(1)));
    f.backup.reply("from backup");

    run(client, ChatRequest.builder().model("smart").user("hi").build());

    List<SpanData> spans = f.spans();
    SpanData call = OtelFixture.named(spans, "chat").orElseThrow();
    SpanData second = attempt(spans, 2);
    SpanData third = attempt(spans, 3);
    // The first attempt starts before anyone knows it will be retried: in the call's span.
    assertThat(smart.current).containsExactly(call.getSpanContext(), second.getSpanContext());
    assertThat(cheap.current).containsExactly(third.getSpanContext());
    assertThat(cheap.traceparents).containsExactly(traceparent(third));
  }

  private static SpanData attempt(List<SpanData> spans, long number) {
    return spans.stream()
        .filter(s -> s.getName().startsWith("attempt") && Long.valueOf(number).equals(s.getAttributes().get(Keys.ATTEMPT_NUMBER)))
        .findFirst().orElseThrow();
  }

  @Test
  void aModelThatThrowsStillLeavesTheThreadAsItWas() {
    ChatModel throwing = new ChatModel() {
      @Override
      public CompletionStage<ChatResponse> execute(ChatRequest request, ModelExchange exchange) {
        assertThat(Span.current().getSpanContext().isValid()).isTrue();
        throw new IllegalStateException("broken adapter");
      }
    };
    LlmClient client = client(throwing, f.backup).build();

    assertThatThrownBy(() -> run(client, ChatRequest.builder().model("smart").user("hi").build()))
        .hasRootCauseMessage("broken adapter");
    assertThat(Span.current().getSpanContext().isValid()).isFalse();
    assertThat(OtelFixture.named(f.spans(), "chat")).isPresent();
  }
}
