package dev.llmops.core.pipeline;

import dev.llmops.api.CallListener;
import dev.llmops.api.Interceptor;
import dev.llmops.api.time.TaskScheduler;
import dev.llmops.core.sink.SinkStats;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a {@link Capability} sees of the client being built, bound to the capability's own slot of
 * the pipeline: the client's clock, scheduler and endpoints, a way to start calls once the client
 * exists, and where to put the capability's interceptors, listeners and resources. Used only while
 * {@code LlmClient.Builder.build()} runs, on its thread; not thread-safe.
 */
public final class Wiring {
  private final Clock clock;
  private final TaskScheduler scheduler;
  private final Endpoints endpoints;
  private final Calls calls;
  private final List<Interceptor> interceptors = new ArrayList<>();
  private final List<CallListener> listeners = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<Supplier<SinkStats>> sinkStats = new ArrayList<>();

  /** A wiring for one capability of a client with this clock, scheduler, endpoints and calls. */
  public Wiring(Clock clock, TaskScheduler scheduler, Endpoints endpoints, Calls calls) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
    this.calls = Objects.requireNonNull(calls, "calls");
  }

  /** The clock every time-dependent step of the client reads. */
  public Clock clock() {
    return clock;
  }

  /** The scheduler every delay of the client runs on. */
  public TaskScheduler scheduler() {
    return scheduler;
  }

  /** The client's model endpoints, with their resolved prices. */
  public Endpoints endpoints() {
    return endpoints;
  }

  /**
   * Starts calls through the client being built, so that every step sees them (shadow traffic);
   * usable once {@code build()} has returned.
   */
  public Calls calls() {
    return calls;
  }

  /** Adds an interceptor to the capability's slot; several run in the order added. */
  public void interceptor(Interceptor interceptor) {
    interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
  }

  /** Adds a listener; capabilities' listeners receive events before the application's. */
  public void listener(CallListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Registers a resource the client closes when it closes. */
  public void closeOnClose(AutoCloseable closeable) {
    closeables.add(Objects.requireNonNull(closeable, "closeable"));
  }

  /** Registers a sink queue's stats, which {@code LlmClient.sinkStats()} reports. */
  public void sinkStats(Supplier<SinkStats> stats) {
    sinkStats.add(Objects.requireNonNull(stats, "stats"));
  }

  /** The interceptors added, in order. */
  public List<Interceptor> interceptors() {
    return List.copyOf(interceptors);
  }

  /** The listeners added, in order. */
  public List<CallListener> listeners() {
    return List.copyOf(listeners);
  }

  /** The resources registered, in order. */
  public List<AutoCloseable> closeables() {
    return List.copyOf(closeables);
  }

  /** The sink queues' stats registered, in order. */
  public List<Supplier<SinkStats>> sinkStatsSources() {
    return List.copyOf(sinkStats);
  }
}
