package dev.llmops.core.pipeline;

import dev.llmops.core.redaction.RedactingLogger;
import dev.llmops.api.AttemptInfo;
import dev.llmops.api.CallEvent;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.RunInfo;
import dev.llmops.api.RunOutcome;
import dev.llmops.api.ToolExecutionInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;

/**
 * Delivers events to the client's listeners, isolating the call from them: a listener that throws
 * is logged once per listener class and event, counted, and otherwise ignored.
 */
public final class ListenerDispatcher {
  private static final RedactingLogger LOG = RedactingLogger.of(ListenerDispatcher.class);

  private final CallListener[] listeners;
  /** The listeners that open a scope around the model's start ({@link CallListener#attemptScope}). */
  private final CallListener[] scoping;
  private final LongAdder failures = new LongAdder();
  private final Set<String> logged = ConcurrentHashMap.newKeySet();

  public ListenerDispatcher(List<CallListener> listeners) {
    this.listeners = listeners.toArray(new CallListener[0]);
    this.scoping = Arrays.stream(this.listeners).filter(ListenerDispatcher::opensScopes).toArray(CallListener[]::new);
  }

  /** Whether {@code l} overrides {@link CallListener#attemptScope} (if that cannot be told: yes). */
  private static boolean opensScopes(CallListener l) {
    try {
      return l.getClass().getMethod("attemptScope", AttemptInfo.class).getDeclaringClass() != CallListener.class;
    } catch (NoSuchMethodException | SecurityException e) {
      return true;
    }
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
        failed(l, "callStart", e, call);
      }
    }
  }

  public void callEnd(CallInfo call, ChatResponse response) {
    for (CallListener l : listeners) {
      try {
        l.callEnd(call, response);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed(l, "callEnd", e, call);
      }
    }
  }

  public void callFailed(CallInfo call, Throwable error) {
    for (CallListener l : listeners) {
      try {
        l.callFailed(call, error);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed(l, "callFailed", e, call);
      }
    }
  }

  public void attemptStart(AttemptInfo attempt) {
    for (CallListener l : listeners) {
      try {
        l.attemptStart(attempt);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed(l, "attemptStart", e, attempt.call());
      }
    }
  }

  public void firstChunk(AttemptInfo attempt, ChatChunk chunk) {
    for (CallListener l : listeners) {
      try {
        l.firstChunk(attempt, chunk);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed(l, "firstChunk", e, attempt.call());
      }
    }
  }

  public void attemptEnd(AttemptInfo attempt, ChatResponse response) {
    for (CallListener l : listeners) {
      try {
        l.attemptEnd(attempt, response);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed(l, "attemptEnd", e, attempt.call());
      }
    }
  }

  public void attemptFailed(AttemptInfo attempt, Throwable error) {
    for (CallListener l : listeners) {
      try {
        l.attemptFailed(attempt, error);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed(l, "attemptFailed", e, attempt.call());
      }
    }
  }

  public void onEvent(CallInfo call, CallEvent event) {
    for (CallListener l : listeners) {
      try {
        l.onEvent(call, event);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed(l, "onEvent", e, call);
      }
    }
  }

  /**
   * Opens the scopes of the listeners that have one for {@code attempt}, in listener order; a
   * listener that throws is counted and left out. Close what this returns with {@link #close}.
   */
  public CallListener.Scope attemptScope(AttemptInfo attempt) {
    CallListener.Scope first = CallListener.Scope.NONE;
    CallListener.Scope[] more = null;
    int count = 0;
    for (CallListener l : scoping) {
      CallListener.Scope s;
      try {
        s = l.attemptScope(attempt);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed(l, "attemptScope", e, attempt.call());
        continue;
      }
      if (s == null || s == CallListener.Scope.NONE) {
        continue;
      }
      if (first == CallListener.Scope.NONE) {
        first = s;
      } else {
        if (more == null) {
          more = new CallListener.Scope[scoping.length - 1];
        }
        more[count++] = s;
      }
    }
    if (more == null) {
      return first;
    }
    CallListener.Scope outer = first;
    CallListener.Scope[] inner = more;
    int n = count;
    return () -> {
      for (int k = n - 1; k >= 0; k--) {
        close(inner[k]);
      }
      close(outer);
    };
  }

  /** Closes a scope from {@link #attemptScope}; one that throws is counted, never thrown. */
  public void close(CallListener.Scope scope) {
    if (scope == CallListener.Scope.NONE) {
      return;
    }
    try {
      scope.close();
    } catch (RuntimeException | LinkageError | AssertionError e) {
      failures.increment();
      String key = scope.getClass().getName() + "#close";
      if (logged.add(key)) {
        LOG.warn("an attempt scope ({}) threw when closed; the call goes on", scope.getClass().getName(), e);
      }
    }
  }

  /**
   * The listeners as one, for the events of components that run on top of the client (agent
   * runs): each event goes to each listener, isolated as the call events are.
   */
  public CallListener runEvents() {
    return runEvents;
  }

  private final CallListener runEvents = new CallListener() {
    @Override
    public void runStart(RunInfo run) {
      each("runStart", l -> l.runStart(run));
    }

    @Override
    public Scope runScope(RunInfo run) {
      List<Scope> opened = new ArrayList<>(0);
      each("runScope", l -> {
        Scope s = l.runScope(run);
        if (s != null && s != Scope.NONE) {
          opened.add(s);
        }
      });
      if (opened.isEmpty()) {
        return Scope.NONE;
      }
      return () -> {
        for (int k = opened.size() - 1; k >= 0; k--) {
          close(opened.get(k));
        }
      };
    }

    @Override
    public void toolStart(ToolExecutionInfo tool) {
      each("toolStart", l -> l.toolStart(tool));
    }

    @Override
    public void toolEnd(ToolExecutionInfo tool, String outcome, @Nullable Throwable error) {
      each("toolEnd", l -> l.toolEnd(tool, outcome, error));
    }

    @Override
    public void runEnd(RunInfo run, RunOutcome outcome) {
      each("runEnd", l -> l.runEnd(run, outcome));
    }
  };

  private void each(String event, Consumer<CallListener> action) {
    for (CallListener l : listeners) {
      try {
        action.accept(l);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed(l, event, e, null);
      }
    }
  }

  private void failed(CallListener listener, String event, Throwable error, @Nullable CallInfo call) {
    failures.increment();
    String key = listener.getClass().getName() + '#' + event;
    if (logged.add(key)) {
      // The exception goes through the redacting logger: its message may carry call content.
      String message = "listener {} threw from {}; the call goes on. Further failures of this listener and"
          + " event are counted, not logged.";
      if (call == null) {
        LOG.warn(message, listener.getClass().getName(), event, error);
      } else {
        LOG.log(call, Level.WARN, message, listener.getClass().getName(), event, error);
      }
    }
  }
}
