package dev.llmops.testkit.agent;

import dev.llmops.agent.RunState;
import dev.llmops.agent.RunStore;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link RunStore} over another that fails at one checkpoint as a crash of the process would:
 * either just after the checkpoint is stored ({@link #afterCheckpoint}) or instead of storing it
 * ({@link #beforeCheckpoint}: the step ran, but its record never reached the store). The run in
 * flight ends with a {@link SimulatedCrash}; a new agent over the underlying store then resumes
 * it. Thread-safe.
 */
public final class CrashingRunStore implements RunStore {
  private final RunStore delegate;
  private final int checkpoint;
  private final boolean store;
  private final AtomicInteger saves = new AtomicInteger();

  private CrashingRunStore(RunStore delegate, int checkpoint, boolean store) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    if (checkpoint < 1) {
      throw new IllegalArgumentException("checkpoint must be >= 1 but was " + checkpoint);
    }
    this.checkpoint = checkpoint;
    this.store = store;
  }

  /** Crashes right after checkpoint {@code n} (counted over all runs, from 1) is stored. */
  public static CrashingRunStore afterCheckpoint(RunStore delegate, int n) {
    return new CrashingRunStore(delegate, n, true);
  }

  /** Crashes at checkpoint {@code n} (counted over all runs, from 1) without storing it. */
  public static CrashingRunStore beforeCheckpoint(RunStore delegate, int n) {
    return new CrashingRunStore(delegate, n, false);
  }

  /** The store the checkpoints go to. */
  public RunStore delegate() {
    return delegate;
  }

  @Override
  public Optional<RunState> load(String runId) {
    return delegate.load(runId);
  }

  @Override
  public void save(RunState state) {
    int n = saves.incrementAndGet();
    if (n == checkpoint && !store) {
      throw new SimulatedCrash("crashed before checkpoint " + n + " (run version " + state.version() + ")");
    }
    delegate.save(state);
    if (n == checkpoint) {
      throw new SimulatedCrash("crashed after checkpoint " + n + " (run version " + state.version() + ")");
    }
  }

  /** The failure a {@link CrashingRunStore} throws where the process would have died. */
  public static final class SimulatedCrash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String message) {
      super(message);
    }
  }
}
