package dev.llmops.redis;

import dev.llmops.eval.monitor.RolloutStore;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

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
  private static final LuaScript RENEW = LuaScript.load("rollout-renew.lua");
  private static final LuaScript RELEASE = LuaScript.load("rollout-release.lua");
  private static final LuaScript SAVE = LuaScript.load("rollout-save.lua");
  private static final LuaScript ADD = LuaScript.load("rollout-add.lua");
  private static final LuaScript KILL = LuaScript.load("rollout-kill.lua");

  private final RedisAsyncCommands<String, String> redis;
  private final String namespace;
  private final Duration timeout;
  private final Duration retention;
  private final LongAdder scriptReloads = new LongAdder();

  private RedisRolloutStore(Builder b) {
    this.redis = Objects.requireNonNull(b.connection, "connection").async();
    this.namespace = b.namespace;
    this.timeout = b.timeout;
    this.retention = b.retention;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  private String key(String rollout, String part) {
    Objects.requireNonNull(rollout, "rollout");
    if (rollout.indexOf('{') >= 0 || rollout.indexOf('}') >= 0) {
      throw new IllegalArgumentException("rollout '" + rollout + "': braces would break the key's hash tag");
    }
    return namespace + ":rollout:{" + rollout + "}:" + part;
  }

  private String window(String rollout, long window, String arm) {
    return key(rollout, "counts:" + window + ":" + arm);
  }

  @Override
  public boolean tryAct(String rollout, String replica, Duration lease) {
    Objects.requireNonNull(replica, "replica");
    String leaseKey = key(rollout, "lease");
    String ms = Long.toString(lease.toMillis());
    if ("OK".equals(await(redis.set(leaseKey, replica, SetArgs.Builder.nx().px(lease.toMillis()))))) {
      return true;
    }
    return flag(await(RENEW.run(redis, new String[] {leaseKey}, new String[] {replica, ms}, scriptReloads)));
  }

  @Override
  public void release(String rollout, String replica) {
    await(RELEASE.run(redis, new String[] {key(rollout, "lease")}, new String[] {replica}, scriptReloads));
  }

  @Override
  public Optional<String> state(String rollout) {
    return Optional.ofNullable(await(redis.get(key(rollout, "state"))));
  }

  @Override
  public boolean saveState(String rollout, String replica, String state) {
    Objects.requireNonNull(state, "state");
    return flag(await(SAVE.run(redis, new String[] {key(rollout, "lease"), key(rollout, "state")},
        new String[] {replica, state}, scriptReloads)));
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
    await(ADD.run(redis, new String[] {window(rollout, window, arm)}, args.toArray(String[]::new), scriptReloads));
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
    await(KILL.run(redis, new String[] {key(rollout, "kill")}, new String[] {replica, reason}, scriptReloads));
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
    return scriptReloads.sum();
  }

  private static boolean flag(List<Object> reply) {
    return !reply.isEmpty() && Long.valueOf(1).equals(reply.get(0));
  }

  private <T> T await(CompletionStage<T> reply) {
    try {
      return reply.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new RedisCommandTimeoutException("no answer from Redis within " + timeout);
    } catch (ExecutionException e) {
      Throwable cause = LuaScript.unwrap(e.getCause() == null ? e : e.getCause());
      throw cause instanceof RedisException r ? r : new RedisException(cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisException("interrupted while waiting for Redis", e);
    }
  }

  /** Builds a {@link RedisRolloutStore}. Setters validate at once. Not thread-safe. */
  public static final class Builder {
    private @Nullable StatefulRedisConnection<String, String> connection;
    private String namespace = "llmops";
    private Duration timeout = Duration.ofSeconds(2);
    private Duration retention = Duration.ofDays(7);

    private Builder() {}

    /** The connection (required); the application owns it and closes it. */
    public Builder connection(StatefulRedisConnection<String, String> connection) {
      this.connection = Objects.requireNonNull(connection, "connection");
      return this;
    }

    /** The prefix of every key (default {@code llmops}); must not contain braces. */
    public Builder namespace(String namespace) {
      this.namespace = RedisBudgetStore.Builder.checkNamespace(namespace);
      return this;
    }

    /** How long a command waits for its answer, {@code > 0} (default 2 seconds). */
    public Builder timeout(Duration timeout) {
      this.timeout = RedisBudgetStore.Builder.positive(timeout, "timeout");
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
      if (connection == null) {
        throw new IllegalStateException("set a connection with connection(...)");
      }
      return new RedisRolloutStore(this);
    }
  }
}
