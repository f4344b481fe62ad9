/**
 * Budget counters shared by every replica of a service, on Redis: {@link
 * dev.llmops.redis.RedisBudgetStore}.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // Lettuce names itself in its manifest only
module dev.llmops.redis {
  requires transitive dev.llmops.core;
  requires transitive lettuce.core;
  requires static transitive org.jspecify;

  exports dev.llmops.redis;
}
