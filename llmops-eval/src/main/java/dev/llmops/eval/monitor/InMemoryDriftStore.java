package dev.llmops.eval.monitor;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** {@link DriftStore#inMemory}: leases on the injected clock, offered windows in a list per monitor. */
final class InMemoryDriftStore implements DriftStore {
  private final Leases leases;
  /** Offered windows per monitor; each list is guarded by itself. */
  private final Map<String, List<String>> offered = new ConcurrentHashMap<>();

  InMemoryDriftStore(Clock clock) {
    this.leases = new Leases(clock);
  }

  @Override
  public boolean tryCheck(String monitor, String replica, Duration lease) {
    return leases.tryTake(monitor, replica, lease);
  }

  @Override
  public void release(String monitor, String replica) {
    leases.release(monitor, replica);
  }

  @Override
  public void offer(String monitor, String windowsJson) {
    Objects.requireNonNull(windowsJson, "windowsJson");
    List<String> list = offered.computeIfAbsent(Objects.requireNonNull(monitor, "monitor"), m -> new ArrayList<>());
    synchronized (list) {
      list.add(windowsJson);
    }
  }

  @Override
  public List<String> drain(String monitor, String replica) {
    List<String> out = new ArrayList<>();
    leases.whileHolding(monitor, replica, () -> {
      List<String> list = offered.get(monitor);
      if (list != null) {
        synchronized (list) {
          out.addAll(list);
          list.clear();
        }
      }
      return true;
    });
    return out;
  }
}
