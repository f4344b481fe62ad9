package dev.llmops.spring.boot;

import dev.llmops.api.AttemptInfo;
import dev.llmops.api.AttributeKey;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.ModelInfo;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One Micrometer {@link Observation} per call, named {@code llmops.call}, for applications whose
 * tracing goes through Micrometer Tracing (Spring's): the observation starts with the call (as a
 * child of the observation current on the calling thread, such as the web request's), carries the
 * low-cardinality key values {@code gen_ai.operation.name}, {@code gen_ai.provider.name}, {@code
 * gen_ai.request.model} and {@code error.type} (the names {@code llmops-otel} gives its spans), and
 * stops when the call ends, with the error when it failed. Its scope is not opened: events run on
 * whichever thread the pipeline is on. Thread-safe; it follows the {@link CallListener} contract.
 */
public final class ObservationCallListener implements CallListener {
  /** The observation's name. */
  public static final String NAME = "llmops.call";

  private final ObservationRegistry registry;
  private final AttributeKey<State> state = AttributeKey.internal("llmops.observation.call_state", State.class);

  private ObservationCallListener(ObservationRegistry registry) {
    this.registry = registry;
  }

  /**
   * A listener observing calls in {@code registry}; with {@link ObservationRegistry#NOOP} it costs
   * nothing.
   *
   * @param registry the application's observation registry
   * @return the listener
   */
  public static ObservationCallListener create(ObservationRegistry registry) {
    return new ObservationCallListener(Objects.requireNonNull(registry, "registry"));
  }

  @Override
  public void callStart(CallInfo call) {
    Observation observation = Observation.createNotStarted(NAME, registry)
        .contextualName("chat")
        .lowCardinalityKeyValue("gen_ai.operation.name", "chat")
        .start();
    call.attributes().put(state, new State(observation));
  }

  @Override
  public void attemptStart(AttemptInfo attempt) {
    State st = attempt.call().attributes().getOrNull(state);
    if (st != null && st.model == null) {
      st.model = attempt.model();
    }
  }

  @Override
  public void callEnd(CallInfo call, ChatResponse response) {
    stop(call, null);
  }

  @Override
  public void callFailed(CallInfo call, Throwable error) {
    stop(call, MicrometerCallListener.unwrap(error));
  }

  private void stop(CallInfo call, @Nullable Throwable error) {
    State st = call.attributes().getOrNull(state);
    if (st == null || st.stopped) {
      return;
    }
    st.stopped = true;
    ModelInfo model = st.model;
    Observation o = st.observation
        .lowCardinalityKeyValue("gen_ai.provider.name", model != null ? model.provider() : MicrometerCallListener.OTHER_PROVIDER)
        .lowCardinalityKeyValue("gen_ai.request.model", model != null ? model.modelId()
            : Objects.requireNonNullElse(call.originalRequest().model(), MicrometerCallListener.NONE))
        .lowCardinalityKeyValue("error.type", error != null ? MicrometerCallListener.errorType(error) : MicrometerCallListener.NONE);
    if (error != null) {
      o.error(error);
    }
    o.stop();
  }

  /** One call's observation; events of one call never run concurrently. */
  private static final class State {
    final Observation observation;
    @Nullable ModelInfo model;
    boolean stopped;

    State(Observation observation) {
      this.observation = observation;
    }
  }
}
