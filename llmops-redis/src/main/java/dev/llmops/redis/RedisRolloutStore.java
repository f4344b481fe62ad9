package dev.llmops.redis;

import dev.llmops.eval.monitor.RolloutStore;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A {@code llmops-eval} {@link RolloutStore} on Redis, for guarded rollouts shared by the replicas
 * of a service (this module's dependency on {@code llmops-eval} is optional: add it yourself).
 *
 * <ul>
 *   <li><b>Right to act</b>: a lease, {@code SET <lease> <replica> NX PX <ms>}; its holder renews
 *       it at every look with a script that extends it only if the holder is still the one named
 *       ({@code GET}, then {@code PEXPIRE}), and {@link #release} deletes it the same way. A holder
 *       that stops looking loses it after the lease (the server's clock), and another replica takes
 *       it at its next look.
 *   <li><b>State</b>: one string, saved by a script that checks the lease first, so a replica
 *       that lost its lease while paused cannot overwrite its successor's decisions.
 *   <li><b>Counts</b>: one hash per rollout, window and arm; a script adds every counter of a look
 *       with {@code HINCRBYFLOAT} and renews the hash's expiry (default seven days), so windows
 *       nobody reads any more vanish even if {@link #forgetBefore} never ran.
 *   <li><b>Kill</b>: one hash ({@code replica}, {@code reason}, {@code at} in microseconds on the
 *       server's clock), written by a script only if it does not exist (the first kill wins), with
 *       no lease check and no expiry.
 * </ul>
 *
 * Keys are {@code <namespace>:rollout:{<rollout>}:...}: the hash tag keeps one rollout's keys in
 * one cluster slot, as the scripts need. Commands wait up to {@code timeout} for their answer;
 * failures surface as Lettuce's unchecked {@link RedisException}, which the controller counts and
 * retries at its next look. Thread-safe; share one per process.
 */
public final class RedisRolloutStore implements RolloutStore {
  private static final LuaScript SAVE = LuaScript.load("rollout-save.lua");
  private static final LuaScript ADD = LuaScript.load("rollout-add.lua");
  private static final LuaScript KILL = LuaScript.load("rollout-kill.lua");

  private final RedisCalls calls;
  private final RedisAsyncCommands<String, String> redis;
  private final String namespace;
  private final Duration retention;

  private RedisRolloutStore(Builder b) {
    this.calls = b.calls();
    this.redis = calls.redis;
    this.namespace = b.namespace;
    this.retention = b.retention;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  private String key(String rollout, String part) {
    return RedisCalls.taggedKey(namespace, "rollout", "rollout", rollout, part);
  }

  private String window(String rollout, long window, String arm) {
    return key(rollout, "counts:" + window + ":" + arm);
  }

  @Override
  public boolean tryAct(String rollout, String replica, Duration lease) {
    return calls.tryLease(key(rollout, "lease"), replica, lease);
  }

  @Override
  public void release(String rollout, String replica) {
    calls.releaseLease(key(rollout, "lease"), replica);
  }

  @Override
  public Optional<String> state(String rollout) {
    return Optional.ofNullable(await(redis.get(key(rollout, "state"))));
  }

  @Override
  public boolean saveState(String rollout, String replica, String state) {
    Objects.requireNonNull(state, "state");
    return RedisCalls.flag(calls.run(SAVE, new String[] {key(rollout, "lease"), key(rollout, "state")}, replica, state));
  }

  @Override
  public void add(String rollout, long window, String arm, Map<String, Double> increments) {
    if (increments.isEmpty()) {
      return;
    }
    List<String> args = new ArrayList<>(1 + 2 * increments.size());
    args.add(Long.toString(retention.toMillis()));
    increments.forEach((name, value) -> {
      args.add(name);
      args.add(Double.toString(value));
    });
    calls.run(ADD, new String[] {window(rollout, window, arm)}, args.toArray(String[]::new));
  }

  @Override
  public Map<String, Double> counts(String rollout, long window, String arm) {
    Map<String, String> raw = await(redis.hgetall(window(rollout, window, arm)));
    Map<String, Double> out = new HashMap<>();
    raw.forEach((name, value) -> out.put(name, Double.parseDouble(value)));
    return out;
  }

  /** Deletes the hashes of windows 0 to {@code window − 1} (windows are numbered from 0 up). */
  @Override
  public void forgetBefore(String rollout, long window) {
    List<String> keys = new ArrayList<>();
    for (long w = 0; w < window; w++) {
      keys.add(window(rollout, w, "canary"));
      keys.add(window(rollout, w, "control"));
    }
    if (!keys.isEmpty()) {
      await(redis.del(keys.toArray(String[]::new)));
    }
  }

  @Override
  public void kill(String rollout, String replica, String reason) {
    Objects.requireNonNull(replica, "replica");
    Objects.requireNonNull(reason, "reason");
    calls.run(KILL, new String[] {key(rollout, "kill")}, replica, reason);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if the kill's hash lacks a field (written by something else)
   */
  @Override
  public Optional<Kill> killed(String rollout) {
    String k = key(rollout, "kill");
    Map<String, String> raw = await(redis.hgetall(k));
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    String replica = raw.get("replica");
    String reason = raw.get("reason");
    String at = raw.get("at");
    if (replica == null || reason == null || at == null) {
      throw new IllegalStateException("kill " + k + " lacks replica, reason or at: " + raw.keySet());
    }
    return Optional.of(new Kill(replica, reason, Instant.EPOCH.plus(Long.parseLong(at), ChronoUnit.MICROS)));
  }

  /** How many times a script had to be sent in full because the server's script cache lacked it. */
  public long scriptReloads() {
    return calls.scriptReloads();
  }

  private <T> T await(CompletionStage<T> reply) {
    return calls.await(reply);
  }

  /** Builds a {@link RedisRolloutStore}. Setters validate at once. Not thread-safe. */
  public static final class Builder extends RedisStoreBuilder<Builder> {
    private Builder() {
      super(Duration.ofDays(7));
    }

    @Override
    Builder self() {
      return this;
    }

    /** How long a window's counts outlive their last addition, {@code > 0} (default 7 days). */
    public Builder retention(Duration retention) {
      this.retention = RedisBudgetStore.Builder.positive(retention, "retention");
      return this;
    }

    /**
     * Builds the store.
     *
     * @throws IllegalStateException if no connection was given
     */
    public RedisRolloutStore build() {
      return new RedisRolloutStore(this);
    }
  }
}
