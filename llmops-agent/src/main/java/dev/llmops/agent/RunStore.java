package dev.llmops.agent;

import java.util.Optional;

/**
 * Keeps runs' checkpoints, so a run resumes after a crash on any replica. {@link #inMemory()} is
 * the default; a database-backed store implements the same contract (the testkit's {@code
 * RunStoreContract} checks it).
 *
 * <p>Contract: {@link #save} stores a state of version {@code n} only if the stored version is
 * {@code n - 1} (nothing stored for {@code n == 1}), atomically, and otherwise throws {@link
 * RunConflictException} and stores nothing; {@link #load} returns the latest saved state.
 * Implementations are thread-safe. A store is called on the thread that takes the step, once per
 * step; it may block for one round trip.
 */
public interface RunStore {

  /** A store in this process's memory: runs survive a failed run, not the process. */
  static RunStore inMemory() {
    return new InMemoryRunStore();
  }

  /** The latest checkpoint of {@code runId}, if any. */
  Optional<RunState> load(String runId);

  /**
   * Stores {@code state} as the run's latest checkpoint.
   *
   * @throws RunConflictException if the stored version is not {@code state.version() - 1}
   */
  void save(RunState state);
}
