package dev.llmops.redis;

import static org.junit.jupiter.api.Assertions.fail;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Redis the tests run against: {@code LLMOPS_REDIS_URI}, default {@code
 * redis://127.0.0.1:6379}. Where none answers a test is skipped, saying how to start one; with
 * system property {@code llmops.requireServices=true} (set by {@code -Pci}) it fails instead.
 * Each user takes a fresh namespace and deletes its keys afterwards.
 */
final class RedisServer implements AutoCloseable {
  static final String URI = uriFromEnv();

  final RedisClient client;
  final String namespace;
  private final List<StatefulRedisConnection<String, String>> opened = new ArrayList<>();

  private RedisServer(RedisClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** Connects, or skips (fails under {@code llmops.requireServices}) when no server answers. */
  static RedisServer connect(String testName) {
    String why = unavailable();
    if (why != null) {
      if (Boolean.getBoolean("llmops.requireServices")) {
        fail(why);
      }
      Assumptions.abort(why);
    }
    String ns = "llmops-test-" + testName + "-" + UUID.randomUUID().toString().substring(0, 8);
    return new RedisServer(newClient(), ns);
  }

  /** Why no test can run against Redis, saying how to start it; null when a server answers. */
  static @Nullable String unavailable() {
    RedisClient client = newClient();
    try (StatefulRedisConnection<String, String> c = client.connect(RedisURI.create(URI))) {
      c.sync().ping();
      return null;
    } catch (RuntimeException e) {
      return "no Redis answers at " + URI + " (" + e.getClass().getSimpleName() + "); start one with "
          + "'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save \"\" --appendonly no' "
          + "or set LLMOPS_REDIS_URI";
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
  }

  private static RedisClient newClient() {
    RedisClient client = RedisClient.create();
    client.setOptions(ClientOptions.builder()
        .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(5)))
        .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build())
        .build());
    return client;
  }

  /** A new connection of its own (a replica's), closed with this server. */
  StatefulRedisConnection<String, String> newConnection() {
    StatefulRedisConnection<String, String> c = client.connect(RedisURI.create(URI));
    synchronized (opened) {
      opened.add(c);
    }
    return c;
  }

  RedisCommands<String, String> sync() {
    return newConnection().sync();
  }

  /** Every key of this namespace. */
  List<String> keys() {
    RedisCommands<String, String> redis = sync();
    List<String> keys = new ArrayList<>();
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(namespace + ":*").limit(1000));
      keys.addAll(page.getKeys());
      cursor = page;
    } while (!cursor.isFinished());
    return keys;
  }

  @Override
  public void close() {
    try {
      List<String> keys = keys();
      if (!keys.isEmpty()) {
        sync().del(keys.toArray(String[]::new));
      }
    } finally {
      synchronized (opened) {
        opened.forEach(StatefulRedisConnection::close);
      }
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  private static String uriFromEnv() {
    String u = System.getenv("LLMOPS_REDIS_URI");
    return u == null || u.isBlank() ? "redis://127.0.0.1:6379" : u;
  }
}
