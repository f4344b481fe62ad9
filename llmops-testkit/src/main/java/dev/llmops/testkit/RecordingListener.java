package dev.llmops.testkit;

import dev.llmops.api.AttemptInfo;
import dev.llmops.api.CallEvent;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A {@link CallListener} that records every event, for assertions on what the pipeline reported.
 * Thread-safe.
 */
public final class RecordingListener implements CallListener {

  /** The kinds of event, one per listener method. */
  public enum Type {
    CALL_START, CALL_END, CALL_FAILED, ATTEMPT_START, FIRST_CHUNK, ATTEMPT_END, ATTEMPT_FAILED, EVENT
  }

  /**
   * One recorded event.
   *
   * @param type which listener method
   * @param callId the call's id
   * @param attempt the attempt number, or 0 for call-level events
   * @param endpoint the attempt's endpoint, or empty for call-level events
   * @param error the failure, for the failed events
   * @param event the typed event, for {@link Type#EVENT}
   * @param response the response, for the end events
   * @param thread the name of the thread the event was delivered on
   */
  public record Recorded(
      Type type,
      String callId,
      int attempt,
      String endpoint,
      @Nullable Throwable error,
      @Nullable CallEvent event,
      @Nullable ChatResponse response,
      String thread) {}

  private final List<Recorded> events = new ArrayList<>();

  private RecordingListener() {}

  /** A new, empty recording listener. */
  public static RecordingListener create() {
    return new RecordingListener();
  }

  /** Every event so far, in delivery order. */
  public synchronized List<Recorded> events() {
    return List.copyOf(events);
  }

  /** The events of one type. */
  public synchronized List<Recorded> events(Type type) {
    return events.stream().filter(e -> e.type() == type).toList();
  }

  /** The events matching {@code filter}. */
  public synchronized List<Recorded> events(Predicate<Recorded> filter) {
    return events.stream().filter(filter).toList();
  }

  /** The typed events of a class, in order. */
  public synchronized <E extends CallEvent> List<E> events(Class<E> type) {
    List<E> out = new ArrayList<>();
    for (Recorded r : events) {
      if (r.event() != null && type.isInstance(r.event())) {
        out.add(type.cast(r.event()));
      }
    }
    return out;
  }

  /** The event types of one call, in order: handy to assert a whole sequence. */
  public synchronized List<Type> types(String callId) {
    return events.stream().filter(e -> e.callId().equals(callId)).map(Recorded::type).toList();
  }

  /** Forgets everything. */
  public synchronized void clear() {
    events.clear();
  }

  private synchronized void add(
      Type type, CallInfo call, int attempt, String endpoint, @Nullable Throwable error, @Nullable CallEvent event, @Nullable ChatResponse response) {
    events.add(new Recorded(type, call.callId(), attempt, endpoint, error, event, response, Thread.currentThread().getName()));
  }

  @Override
  public void callStart(CallInfo call) {
    add(Type.CALL_START, call, 0, "", null, null, null);
  }

  @Override
  public void callEnd(CallInfo call, ChatResponse response) {
    add(Type.CALL_END, call, 0, "", null, null, response);
  }

  @Override
  public void callFailed(CallInfo call, Throwable error) {
    add(Type.CALL_FAILED, call, 0, "", error, null, null);
  }

  @Override
  public void attemptStart(AttemptInfo attempt) {
    add(Type.ATTEMPT_START, attempt.call(), attempt.number(), attempt.endpoint(), null, null, null);
  }

  @Override
  public void firstChunk(AttemptInfo attempt, ChatChunk chunk) {
    add(Type.FIRST_CHUNK, attempt.call(), attempt.number(), attempt.endpoint(), null, null, null);
  }

  @Override
  public void attemptEnd(AttemptInfo attempt, ChatResponse response) {
    add(Type.ATTEMPT_END, attempt.call(), attempt.number(), attempt.endpoint(), null, null, response);
  }

  @Override
  public void attemptFailed(AttemptInfo attempt, Throwable error) {
    add(Type.ATTEMPT_FAILED, attempt.call(), attempt.number(), attempt.endpoint(), error, null, null);
  }

  @Override
  public void onEvent(CallInfo call, CallEvent event) {
    add(Type.EVENT, call, 0, "", null, event, null);
  }
}
