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
import dev.llmops.api.InvalidRequestException;
import dev.llmops.api.LlmException.ErrorDetails;
import dev.llmops.api.time.TaskScheduler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The resilience step of one client, installed by {@link Resilience#install}: it runs each call
 * through retries, timeouts, the endpoint's circuit breaker and bulkhead, and the fallback chain.
 * It is also a {@link CallListener}, so that a call cancelled from outside returns its breaker and
 * bulkhead permits and leaves no scheduled task behind. Thread-safe; holds one circuit breaker and
 * one bulkhead per endpoint the client was built with, made once when it is built: a request naming
 * any other model is rejected before the step keeps anything for it, so what it holds stays
 * bounded whatever names requests carry.
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
  /** The guard of each endpoint of the client; never grows. */
  private final Map<String, EndpointGuard> guards;
  /** Calls inside this step: incremented on entry, decremented once when the call's state ends. */
  final LongAdder active = new LongAdder();

  ResilienceInterceptor(
      Resilience config, Clock clock, TaskScheduler scheduler, Set<String> endpoints, String defaultEndpoint) {
    this.config = config;
    this.clock = clock;
    this.scheduler = scheduler;
    this.defaultEndpoint = defaultEndpoint;
    Map<String, EndpointGuard> byEndpoint = new HashMap<>();
    for (String endpoint : endpoints) {
      byEndpoint.put(endpoint, new EndpointGuard(endpoint, config, clock, scheduler));
    }
    this.guards = Map.copyOf(byEndpoint);
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
    String endpoint = endpointName(chain.request().model());
    if (!guards.containsKey(endpoint)) {
      // Rejected before anything is kept for it: a guard per name requests carry would grow forever.
      return CompletableFuture.failedFuture(
          new InvalidRequestException(
              "unknown model endpoint '" + endpoint + "'; this client has " + new TreeSet<>(guards.keySet()),
              ErrorDetails.of("llmops", endpoint)));
    }
    ResilientCall state = new ResilientCall(this, chain, endpoint);
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

  /** The state of {@code endpoint}'s circuit breaker; {@link Resilience.CircuitState#CLOSED} if it has none yet. */
  Resilience.CircuitState circuitState(String endpoint) {
    EndpointGuard g = guards.get(Objects.requireNonNull(endpoint, "endpoint"));
    return g == null ? Resilience.CircuitState.CLOSED : g.state();
  }

  /** How many calls are inside this step right now. */
  int activeCalls() {
    return active.intValue();
  }

  /** The configuration this step applies. */
  Resilience config() {
    return config;
  }

  String endpointName(@Nullable String model) {
    return model == null ? defaultEndpoint : model;
  }

  /**
   * The guard of {@code endpoint}, one of the client's endpoints (the requested one, checked in
   * {@link #intercept}, or a fallback, checked when the step was installed).
   */
  EndpointGuard guard(String endpoint) {
    return Objects.requireNonNull(guards.get(endpoint), endpoint);
  }

  /** How many endpoint guards this step holds: one per endpoint of the client, whatever was requested. */
  int guardCount() {
    return guards.size();
  }
}
