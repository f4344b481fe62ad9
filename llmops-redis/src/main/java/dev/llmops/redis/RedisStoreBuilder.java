package dev.llmops.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The settings the rollout and drift stores' builders share: connection, namespace, timeout and
 * retention, each validated at once. Not thread-safe.
 *
 * @param <B> the builder, returned by every setter
 */
abstract class RedisStoreBuilder<B extends RedisStoreBuilder<B>> {
  private @Nullable StatefulRedisConnection<String, String> connection;
  String namespace = "llmops";
  private Duration timeout = Duration.ofSeconds(2);
  Duration retention;

  RedisStoreBuilder(Duration retention) {
    this.retention = retention;
  }

  abstract B self();

  /** The connection (required); the application owns it and closes it. */
  public B connection(StatefulRedisConnection<String, String> connection) {
    this.connection = Objects.requireNonNull(connection, "connection");
    return self();
  }

  /** The prefix of every key (default {@code llmops}); must not contain braces. */
  public B namespace(String namespace) {
    this.namespace = RedisBudgetStore.Builder.checkNamespace(namespace);
    return self();
  }

  /** How long a command waits for its answer, {@code > 0} (default 2 seconds). */
  public B timeout(Duration timeout) {
    this.timeout = RedisBudgetStore.Builder.positive(timeout, "timeout");
    return self();
  }

  /**
   * How the store will call Redis.
   *
   * @throws IllegalStateException if no connection was given
   */
  RedisCalls calls() {
    if (connection == null) {
      throw new IllegalStateException("set a connection with connection(...)");
    }
    return new RedisCalls(connection, timeout);
  }
}
