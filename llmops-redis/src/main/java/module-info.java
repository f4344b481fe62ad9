/**
 * Budget counters shared by every replica of a service, on Redis: {@link
 * dev.llmops.redis.RedisBudgetStore}; and, with {@code llmops-eval} present, guarded rollouts
 * shared by replicas: {@link dev.llmops.redis.RedisRolloutStore}, and drift windows pooled by
 * replicas: {@link dev.llmops.redis.RedisDriftStore}.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // Lettuce names itself in its manifest only
module dev.llmops.redis {
  requires transitive dev.llmops.core;
  requires transitive lettuce.core;
  // Optional: only RedisRolloutStore and RedisDriftStore use it; applications that use them have
  // llmops-eval already.
  requires static transitive dev.llmops.eval;
  requires static transitive org.jspecify;

  exports dev.llmops.redis;
}
