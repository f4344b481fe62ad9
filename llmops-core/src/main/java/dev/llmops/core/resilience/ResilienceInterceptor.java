package dev.llmops.core.resilience;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.Policy;
import dev.failsafe.RetryPolicy;
import dev.llmops.api.AttributeKey;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.Interceptor;
import dev.llmops.api.time.TaskScheduler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The resilience step of one client, installed by {@link Resilience#install}: it runs each call
 * through retries, timeouts, the endpoint's circuit breaker and bulkhead, and the fallback chain.
 * It is also a {@link CallListener}, so that a call cancelled from outside returns its breaker and
 * bulkhead permits and leaves no scheduled task behind. Thread-safe; holds one circuit breaker and
 * one bulkhead per endpoint for the client's lifetime.
 */
final class ResilienceInterceptor implements Interceptor, CallListener {
  /** The call's state in this step, kept on the call itself (never shown in its attributes). */
  private static final AttributeKey<ResilientCall> STATE =
      AttributeKey.internal("llmops.resilience.state", ResilientCall.class);

  final Resilience config;
  final Clock clock;
  final TaskScheduler scheduler;
  private final String defaultEndpoint;
  final FailsafeExecutor<ChatResponse> failsafe;
  /** Whether the first attempt on an endpoint may run without Failsafe (no extra Failsafe policies). */
  final boolean direct;
  private final ConcurrentHashMap<String, EndpointGuard> guards = new ConcurrentHashMap<>();
  /** Calls inside this step: incremented on entry, decremented once when the call's state ends. */
  final LongAdder active = new LongAdder();

  ResilienceInterceptor(Resilience config, Clock clock, TaskScheduler scheduler, String defaultEndpoint) {
    this.config = config;
    this.clock = clock;
    this.scheduler = scheduler;
    this.defaultEndpoint = defaultEndpoint;
    // Failsafe owns the retry loop and its scheduled waits; the decision to retry, and the wait,
    // come from RetryDecision.classify through AttemptFailure, so they can use the call's deadline.
    RetryPolicy<ChatResponse> retry =
        RetryPolicy.<ChatResponse>builder()
            .handleIf((ChatResponse r, Throwable e) -> AttemptFailure.retries(e))
            .withDelayFn(ctx -> AttemptFailure.delayOf(ctx.getLastException()))
            .withMaxAttempts(config.maxAttempts)
            .build();
    List<Policy<ChatResponse>> policies = new ArrayList<>();
    policies.add(retry);
    policies.addAll(config.failsafePolicies);
    this.failsafe = Failsafe.with(policies).with(new FailsafeScheduler(scheduler));
    this.direct = config.failsafePolicies.isEmpty();
  }

  @Override
  public CompletionStage<ChatResponse> intercept(Chain chain) {
    ResilientCall state = new ResilientCall(this, chain, endpointName(chain.request().model()));
    active.increment();
    chain.call().attributes().put(STATE, state);
    return state.start();
  }

  /** A call ended from outside (cancelled, or failed by another step): release what it holds. */
  @Override
  public void callFailed(CallInfo call, Throwable error) {
    ResilientCall state = call.attributes().getOrNull(STATE);
    if (state != null) {
      state.abandon(error); // a no-op once the state has ended
    }
  }

  /** The state of {@code endpoint}'s circuit breaker; {@link CircuitState#CLOSED} if it has none yet. */
  CircuitState circuitState(String endpoint) {
    EndpointGuard g = guards.get(Objects.requireNonNull(endpoint, "endpoint"));
    return g == null ? CircuitState.CLOSED : g.state();
  }

  /** How many calls are inside this step right now. */
  int activeCalls() {
    return active.intValue();
  }

  /** The configuration this step applies. */
  Resilience config() {
    return config;
  }

  String endpointName(@org.jspecify.annotations.Nullable String model) {
    return model == null ? defaultEndpoint : model;
  }

  EndpointGuard guard(String endpoint) {
    EndpointGuard g = guards.get(endpoint);
    return g != null ? g : guards.computeIfAbsent(endpoint, e -> new EndpointGuard(e, config, clock, scheduler));
  }
}
