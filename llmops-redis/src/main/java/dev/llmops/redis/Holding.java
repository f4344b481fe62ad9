package dev.llmops.redis;

import java.util.Map;
import java.util.TreeMap;

/**
 * This replica's part of one counter: per bucket what it has reserved and spent (the state it
 * writes to Redis whole, under its own writer id) and what it reserved on the local allowance while
 * Redis was away. Guarded by its own monitor; every write to Redis is sent while holding it, so
 * the writes of one holding reach the server in sequence order.
 */
final class Holding {
  final String counterKey;
  final String redisKey;
  final String leaseKey;
  final String writer;
  /** Absolute expiry of the Redis key in epoch ms; -1 never; 0: relative, {@link #ttlMillis}. */
  final long expireAtMillis;
  final long ttlMillis;

  long seq;
  long low = Long.MIN_VALUE;
  /** bucket → {reserved (confirmed by Redis), spent, reserved on the local allowance}. */
  final TreeMap<Long, long[]> buckets = new TreeMap<>();
  /** Bumped on each failed write; a repair that started at the same value leaves the holding clean. */
  long failures;
  /** Redis may disagree with this state: a write failed or the lease ran out; the next quiet moment repairs it. */
  boolean dirty;
  /** Reservations sent and not yet answered. */
  int pending;
  boolean evicted;
  long lastUsedMillis;

  Holding(String counterKey, String redisKey, String leaseKey, String writer, long expireAtMillis, long ttlMillis) {
    this.counterKey = counterKey;
    this.redisKey = redisKey;
    this.leaseKey = leaseKey;
    this.writer = writer;
    this.expireAtMillis = expireAtMillis;
    this.ttlMillis = ttlMillis;
  }

  /** Forgets buckets that have left the window (below {@code low}). */
  void prune(long newLow) {
    if (newLow > low) {
      low = newLow;
      buckets.headMap(newLow).clear();
    }
  }

  long[] bucket(long bucket) {
    return buckets.computeIfAbsent(bucket, b -> new long[3]);
  }

  /** True when nothing is reserved here, on Redis or locally. */
  boolean idle() {
    for (long[] b : buckets.values()) {
      if (b[0] != 0 || b[2] != 0) {
        return false;
      }
    }
    return true;
  }

  boolean holdsReservations() {
    for (long[] b : buckets.values()) {
      if (b[0] != 0) {
        return true;
      }
    }
    return false;
  }

  /** The script arguments after the fixed ones: bucket, reserved, spent for each bucket held. */
  void appendState(String[] args, int from) {
    int i = from;
    for (Map.Entry<Long, long[]> e : buckets.entrySet()) {
      args[i++] = Long.toString(e.getKey());
      args[i++] = Long.toString(e.getValue()[0]);
      args[i++] = Long.toString(e.getValue()[1]);
    }
  }

  /** The key's time to live for a write at {@code nowMillis}: -1 persist, else at least 1 ms. */
  long ttlAt(long nowMillis) {
    if (expireAtMillis < 0) {
      return -1;
    }
    if (expireAtMillis == 0) {
      return ttlMillis;
    }
    return Math.max(1, expireAtMillis - nowMillis);
  }
}
