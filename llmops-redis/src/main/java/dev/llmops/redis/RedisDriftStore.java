package dev.llmops.redis;

import dev.llmops.eval.monitor.DriftStore;
import io.lettuce.core.RedisException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@code llmops-eval} {@link DriftStore} on Redis, for drift monitors whose windows the replicas
 * of a service pool (this module's dependency on {@code llmops-eval} is optional: add it yourself).
 *
 * <ul>
 *   <li><b>Right to check</b>: a lease as {@link RedisRolloutStore}'s right to act, {@code SET
 *       <lease> <replica> NX PX <ms>}, renewed at every check by a script that extends it only if
 *       the holder is still the one named, and released the same way. A holder that stops checking
 *       loses it after the lease (the server's clock).
 *   <li><b>Offered windows</b>: one list per monitor; a script appends ({@code RPUSH}) each offer
 *       and renews the list's expiry (default one day), so the windows of a monitor nobody checks
 *       any more vanish. {@link #drain} is one script that checks the lease, then reads the whole
 *       list ({@code LRANGE 0 -1}) and deletes it: atomic, so an offer lands before or after it,
 *       in this drain or the next.
 * </ul>
 *
 * Keys are {@code <namespace>:drift:{<monitor>}:lease} and {@code ...:windows}: the hash tag keeps
 * one monitor's keys in one cluster slot, as the scripts need. Commands wait up to {@code timeout}
 * for their answer; failures surface as Lettuce's unchecked {@link RedisException}, which the
 * monitor counts and retries at its next check. Thread-safe; share one per process.
 */
public final class RedisDriftStore implements DriftStore {
  private static final LuaScript OFFER = LuaScript.load("drift-offer.lua");
  private static final LuaScript DRAIN = LuaScript.load("drift-drain.lua");

  private final RedisCalls calls;
  private final String namespace;
  private final Duration retention;

  private RedisDriftStore(Builder b) {
    this.calls = b.calls();
    this.namespace = b.namespace;
    this.retention = b.retention;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  private String key(String monitor, String part) {
    return RedisCalls.taggedKey(namespace, "drift", "monitor", monitor, part);
  }

  @Override
  public boolean tryCheck(String monitor, String replica, Duration lease) {
    return calls.tryLease(key(monitor, "lease"), replica, lease);
  }

  @Override
  public void release(String monitor, String replica) {
    calls.releaseLease(key(monitor, "lease"), replica);
  }

  @Override
  public void offer(String monitor, String windowsJson) {
    Objects.requireNonNull(windowsJson, "windowsJson");
    calls.run(OFFER, new String[] {key(monitor, "windows")}, Long.toString(retention.toMillis()), windowsJson);
  }

  @Override
  public List<String> drain(String monitor, String replica) {
    Objects.requireNonNull(replica, "replica");
    List<Object> reply = calls.run(DRAIN, new String[] {key(monitor, "lease"), key(monitor, "windows")}, replica);
    List<String> out = new ArrayList<>(reply.size());
    for (Object o : reply) {
      out.add(String.valueOf(o));
    }
    return out;
  }

  /** How many times a script had to be sent in full because the server's script cache lacked it. */
  public long scriptReloads() {
    return calls.scriptReloads();
  }

  /** Builds a {@link RedisDriftStore}. Setters validate at once. Not thread-safe. */
  public static final class Builder extends RedisStoreBuilder<Builder> {
    private Builder() {
      super(Duration.ofDays(1));
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * How long a monitor's offered windows outlive their last offer when nobody drains them,
     * {@code > 0} (default 1 day).
     */
    public Builder retention(Duration retention) {
      this.retention = RedisBudgetStore.Builder.positive(retention, "retention");
      return this;
    }

    /**
     * Builds the store.
     *
     * @throws IllegalStateException if no connection was given
     */
    public RedisDriftStore build() {
      return new RedisDriftStore(this);
    }
  }
}
