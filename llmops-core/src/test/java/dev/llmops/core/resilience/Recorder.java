package dev.llmops.core.resilience;

import dev.llmops.api.AttemptInfo;
import dev.llmops.api.CallEvent;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A listener that records what the pipeline reported, for the resilience tests. Thread-safe. */
final class Recorder implements CallListener {
  /** The kinds of event, one per listener method this recorder keeps. */
  enum Type { CALL_START, CALL_END, CALL_FAILED, ATTEMPT_START, ATTEMPT_END, ATTEMPT_FAILED, EVENT }

  /** One event: its type, its call, the failure of the failed events, the typed event of {@code EVENT}. */
  record Recorded(Type type, String callId, @Nullable Throwable error, @Nullable CallEvent event) {}

  private final List<Recorded> events = new ArrayList<>();

  private synchronized void add(Type type, CallInfo call, @Nullable Throwable error, @Nullable CallEvent event) {
    events.add(new Recorded(type, call.callId(), error, event));
  }

  @Override
  public void callStart(CallInfo call) {
    add(Type.CALL_START, call, null, null);
  }

  @Override
  public void callEnd(CallInfo call, ChatResponse response) {
    add(Type.CALL_END, call, null, null);
  }

  @Override
  public void callFailed(CallInfo call, Throwable error) {
    add(Type.CALL_FAILED, call, error, null);
  }

  @Override
  public void attemptStart(AttemptInfo attempt) {
    add(Type.ATTEMPT_START, attempt.call(), null, null);
  }

  @Override
  public void attemptEnd(AttemptInfo attempt, ChatResponse response) {
    add(Type.ATTEMPT_END, attempt.call(), null, null);
  }

  @Override
  public void attemptFailed(AttemptInfo attempt, Throwable error) {
    add(Type.ATTEMPT_FAILED, attempt.call(), error, null);
  }

  @Override
  public void onEvent(CallInfo call, CallEvent event) {
    add(Type.EVENT, call, null, event);
  }

  /** The events of one type, in order. */
  synchronized List<Recorded> events(Type type) {
    return events.stream().filter(e -> e.type() == type).toList();
  }

  /** The typed events of a class, in order. */
  synchronized <E extends CallEvent> List<E> events(Class<E> type) {
    return events.stream().map(Recorded::event).filter(type::isInstance).map(type::cast).toList();
  }

  /** The types of one call's events, in order. */
  synchronized List<Type> types(String callId) {
    return events.stream().filter(e -> e.callId().equals(callId)).map(Recorded::type).toList();
  }
}
