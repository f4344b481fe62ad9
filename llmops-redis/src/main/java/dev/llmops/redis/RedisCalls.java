package dev.llmops.redis;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * How the rollout and drift stores talk to Redis: each command awaited up to a timeout, failures as
 * Lettuce's unchecked {@link RedisException}, scripts called by SHA (counting reloads), and the
 * single-holder lease both use for their right to act or check. Thread-safe.
 */
final class RedisCalls {
  private static final LuaScript RENEW = LuaScript.load("holder-renew.lua");
  private static final LuaScript RELEASE = LuaScript.load("holder-release.lua");

  final RedisAsyncCommands<String, String> redis;
  private final Duration timeout;
  private final LongAdder scriptReloads = new LongAdder();

  RedisCalls(StatefulRedisConnection<String, String> connection, Duration timeout) {
    this.redis = Objects.requireNonNull(connection, "connection").async();
    this.timeout = timeout;
  }

  /**
   * {@code <namespace>:<kind>:{<name>}:<part>}: the hash tag keeps one rollout's or monitor's keys
   * in one cluster slot, as the scripts need.
   *
   * @param what what {@code name} names, for the error
   * @throws IllegalArgumentException if {@code name} holds a brace
   */
  static String taggedKey(String namespace, String kind, String what, String name, String part) {
    Objects.requireNonNull(name, what);
    if (name.indexOf('{') >= 0 || name.indexOf('}') >= 0) {
      throw new IllegalArgumentException(what + " '" + name + "': braces would break the key's hash tag");
    }
    return namespace + ":" + kind + ":{" + name + "}:" + part;
  }

  /** Runs {@code script} and waits for its reply. */
  List<Object> run(LuaScript script, String[] keys, String... args) {
    return await(script.run(redis, keys, args, scriptReloads));
  }

  /**
   * Takes or renews the lease {@code key} for {@code replica}: {@code SET NX PX}, else a script
   * that extends it only if {@code replica} holds it. True if {@code replica} holds it now.
   */
  boolean tryLease(String key, String replica, Duration lease) {
    Objects.requireNonNull(replica, "replica");
    if ("OK".equals(await(redis.set(key, replica, SetArgs.Builder.nx().px(lease.toMillis()))))) {
      return true;
    }
    return flag(run(RENEW, new String[] {key}, replica, Long.toString(lease.toMillis())));
  }

  /** Deletes the lease {@code key} if {@code replica} holds it; nothing otherwise. */
  void releaseLease(String key, String replica) {
    run(RELEASE, new String[] {key}, replica);
  }

  /** How many times a script had to be sent in full because the server's script cache lacked it. */
  long scriptReloads() {
    return scriptReloads.sum();
  }

  /** A script's {@code {1}} or {@code {0}}. */
  static boolean flag(List<Object> reply) {
    return !reply.isEmpty() && Long.valueOf(1).equals(reply.get(0));
  }

  <T> T await(CompletionStage<T> reply) {
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
}
