package dev.llmops.agent;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** {@link RunStore#inMemory()}: a concurrent map, one compare-and-set per checkpoint. Thread-safe. */
final class InMemoryRunStore implements RunStore {
  private final ConcurrentMap<String, RunState> runs = new ConcurrentHashMap<>();

  @Override
  public Optional<RunState> load(String runId) {
    return Optional.ofNullable(runs.get(runId));
  }

  @Override
  public void save(RunState state) {
    long expected = state.version() - 1;
    long[] found = {0};
    runs.compute(state.runId(), (id, stored) -> {
      found[0] = stored == null ? 0 : stored.version();
      return found[0] == expected ? state : stored;
    });
    if (found[0] != expected) {
      throw new RunConflictException(state.runId(), expected, found[0]);
    }
  }
}
