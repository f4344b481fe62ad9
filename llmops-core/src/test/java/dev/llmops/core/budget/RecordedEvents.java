package dev.llmops.core.budget;

import dev.llmops.api.CallEvent;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener that keeps every call event published, for the budget tests. Thread-safe. */
final class RecordedEvents implements CallListener {
  private final List<CallEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void onEvent(CallInfo call, CallEvent event) {
    events.add(event);
  }

  /** The events of {@code type}, in the order published. */
  <T extends CallEvent> List<T> of(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
