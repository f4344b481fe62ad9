package dev.llmops.eval.monitor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The in-memory stores' right to act or check: per name, one holder whose lease runs out on the
 * injected clock unless renewed. Thread-safe (one lock for every name).
 */
final class Leases {
  private final Clock clock;
  private final Map<String, Lease> leases = new HashMap<>();

  Leases(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private record Lease(String replica, Instant until) {}

  /**
   * Takes or renews {@code name}'s lease for {@code replica}: true if it holds it now, false if
   * another replica's lease on it still runs.
   */
  synchronized boolean tryTake(String name, String replica, Duration lease) {
    Objects.requireNonNull(replica, "replica");
    Objects.requireNonNull(lease, "lease");
    Instant now = clock.instant();
    Lease held = leases.get(Objects.requireNonNull(name, "name"));
    if (held != null && !held.replica.equals(replica) && held.until.isAfter(now)) {
      return false;
    }
    leases.put(name, new Lease(replica, now.plus(lease)));
    return true;
  }

  /** Ends {@code name}'s lease if {@code replica} holds it; nothing otherwise. */
  synchronized void release(String name, String replica) {
    Lease held = leases.get(name);
    if (held != null && held.replica.equals(replica)) {
      leases.remove(name);
    }
  }

  /**
   * Runs {@code work} if {@code replica} holds a live lease on {@code name}, with the lease kept
   * still while it runs (a fence: no other replica takes it meanwhile).
   *
   * @return false without running it if {@code replica} does not hold the lease, else what it returned
   */
  synchronized boolean whileHolding(String name, String replica, BooleanSupplier work) {
    Lease held = leases.get(name);
    if (held == null || !held.replica.equals(replica) || !held.until.isAfter(clock.instant())) {
      return false;
    }
    return work.getAsBoolean();
  }
}
