package dev.llmops.core.internal;

import dev.llmops.core.redaction.RedactingLogger;
import dev.llmops.api.AttemptInfo;
import dev.llmops.api.CallEvent;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Delivers events to the client's listeners, isolating the call from them: a listener that throws
 * is logged once per listener class and event, counted, and otherwise ignored.
 */
public final class ListenerDispatcher {
  private static final RedactingLogger LOG = RedactingLogger.of(ListenerDispatcher.class);

  private final CallListener[] listeners;
  private final LongAdder failures = new LongAdder();
  private final Set<String> logged = ConcurrentHashMap.newKeySet();

  public ListenerDispatcher(List<CallListener> listeners) {
    this.listeners = listeners.toArray(new CallListener[0]);
  }

  /** True when there is no listener to deliver to. */
  public boolean isEmpty() {
    return listeners.length == 0;
  }

  /** How many times a listener threw. */
  public long failures() {
    return failures.sum();
  }

  public void callStart(CallInfo call) {
    for (CallListener l : listeners) {
      try {
        l.callStart(call);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed(l, "callStart", e);
      }
    }
  }

  public void callEnd(CallInfo call, ChatResponse response) {
    for (CallListener l : listeners) {
      try {
        l.callEnd(call, response);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed(l, "callEnd", e);
      }
    }
  }

  public void callFailed(CallInfo call, Throwable error) {
    for (CallListener l : listeners) {
      try {
        l.callFailed(call, error);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed(l, "callFailed", e);
      }
    }
  }

  public void attemptStart(AttemptInfo attempt) {
    for (CallListener l : listeners) {
      try {
        l.attemptStart(attempt);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed(l, "attemptStart", e);
      }
    }
  }

  public void firstChunk(AttemptInfo attempt, ChatChunk chunk) {
    for (CallListener l : listeners) {
      try {
        l.firstChunk(attempt, chunk);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed(l, "firstChunk", e);
      }
    }
  }

  public void attemptEnd(AttemptInfo attempt, ChatResponse response) {
    for (CallListener l : listeners) {
      try {
        l.attemptEnd(attempt, response);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed(l, "attemptEnd", e);
      }
    }
  }

  public void attemptFailed(AttemptInfo attempt, Throwable error) {
    for (CallListener l : listeners) {
      try {
        l.attemptFailed(attempt, error);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed(l, "attemptFailed", e);
      }
    }
  }

  public void onEvent(CallInfo call, CallEvent event) {
    for (CallListener l : listeners) {
      try {
        l.onEvent(call, event);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed(l, "onEvent", e);
      }
    }
  }

  private void failed(CallListener listener, String event, Throwable error) {
    failures.increment();
    String key = listener.getClass().getName() + '#' + event;
    if (logged.add(key)) {
      // The exception goes through the redacting logger: its message may carry call content.
      LOG.warn(
          "listener {} threw from {}; the call goes on. Further failures of this listener and"
              + " event are counted, not logged.",
          listener.getClass().getName(), event, error);
    }
  }
}
