package dev.llmops.eval.monitor;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * {@link RolloutStore#inMemory}: leases and kill times on the injected clock, counters in {@link
 * DoubleAdder}s.
 */
final class InMemoryRolloutStore implements RolloutStore {
  private final Clock clock;
  private final Leases leases;
  private final ConcurrentMap<String, String> states = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Kill> kills = new ConcurrentHashMap<>();
  private final ConcurrentMap<Window, ConcurrentMap<String, DoubleAdder>> counts = new ConcurrentHashMap<>();

  InMemoryRolloutStore(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.leases = new Leases(clock);
  }

  private record Window(String rollout, long window, String arm) {}

  @Override
  public boolean tryAct(String rollout, String replica, Duration lease) {
    return leases.tryTake(rollout, replica, lease);
  }

  @Override
  public void release(String rollout, String replica) {
    leases.release(rollout, replica);
  }

  @Override
  public Optional<String> state(String rollout) {
    return Optional.ofNullable(states.get(rollout));
  }

  @Override
  public boolean saveState(String rollout, String replica, String state) {
    Objects.requireNonNull(state, "state");
    return leases.whileHolding(rollout, replica, () -> {
      states.put(rollout, state);
      return true;
    });
  }

  @Override
  public void add(String rollout, long window, String arm, Map<String, Double> increments) {
    ConcurrentMap<String, DoubleAdder> c = counts.computeIfAbsent(new Window(rollout, window, arm),
        w -> new ConcurrentHashMap<>());
    increments.forEach((name, value) -> c.computeIfAbsent(name, n -> new DoubleAdder()).add(value));
  }

  @Override
  public Map<String, Double> counts(String rollout, long window, String arm) {
    Map<String, DoubleAdder> c = counts.get(new Window(rollout, window, arm));
    Map<String, Double> out = new HashMap<>();
    if (c != null) {
      c.forEach((name, adder) -> out.put(name, adder.sum()));
    }
    return out;
  }

  @Override
  public void forgetBefore(String rollout, long window) {
    counts.keySet().removeIf(w -> w.rollout.equals(rollout) && w.window < window);
  }

  @Override
  public void kill(String rollout, String replica, String reason) {
    Kill k = new Kill(replica, reason, clock.instant());
    kills.putIfAbsent(Objects.requireNonNull(rollout, "rollout"), k);
  }

  @Override
  public Optional<Kill> killed(String rollout) {
    return Optional.ofNullable(kills.get(rollout));
  }
}
