package dev.llmops.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import dev.llmops.core.budget.BudgetStore.Balance;
import dev.llmops.core.budget.RateLimit;
import dev.llmops.core.budget.Scope;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store on a Redis Cluster: a one-node cluster (a real {@code redis-server} with cluster mode
 * on, started by the test and owning every slot) enforces the Cluster's rules for scripts, so a
 * script touching keys of two slots fails with {@code CROSSSLOT}. Every script of the store keeps
 * to one scope's hash tag, so budgets and rate limits work unchanged through a cluster connection.
 */
class ClusterTest {

  @Test
  void budgetsAndRateLimitsRunOnAClusterBecauseEveryScriptStaysInOneSlot(@TempDir Path dir) throws Exception {
    int port = freePort();
    Process server = start(dir, port);
    RedisClusterClient cluster = RedisClusterClient.create(RedisURI.create("redis://127.0.0.1:" + port));
    try {
      RedisClient plain = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + port));
      try (StatefulRedisConnection<String, String> c = plain.connect()) {
        c.sync().clusterAddSlots(IntStream.range(0, 16_384).toArray());
        // A cluster node reports ok only some time after it started (Redis waits about 2 s before
        // a master becomes writable): await that state, polling, for at most 20 s.
        for (int i = 0; i < 1_000 && !c.sync().clusterInfo().contains("cluster_state:ok"); i++) {
          LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        assertThat(c.sync().clusterInfo()).contains("cluster_state:ok");
        assertThatThrownBy(() -> c.sync().eval("return redis.call('GET', KEYS[1])", ScriptOutputType.VALUE,
            "{tenant:a}:x", "{tenant:b}:y"))
            .as("the server enforces one slot per script").isInstanceOf(RedisCommandExecutionException.class)
            .hasMessageContaining("CROSSSLOT");
      } finally {
        plain.shutdown(Duration.ZERO, Duration.ofSeconds(1));
      }

      TestClock clock = TestClock.create();
      ManualScheduler scheduler = ManualScheduler.on(clock);
      StatefulRedisClusterConnection<String, String> ca = cluster.connect();
      StatefulRedisClusterConnection<String, String> cb = cluster.connect();
      try (RedisBudgetStore a = RedisBudgetStore.builder().clusterConnection(ca).namespace("c").clock(clock)
              .scheduler(scheduler).timeout(Duration.ofSeconds(10)).build();
          RedisBudgetStore b = RedisBudgetStore.builder().clusterConnection(cb).namespace("c").clock(clock)
              .scheduler(scheduler).timeout(Duration.ofSeconds(10)).build()) {
        String key = "b|tenant:acme|2026-01-01T00:00:00Z";
        assertThat(a.reserve(key, 70, 100)).isTrue();
        assertThat(b.reserve(key, 31, 100)).isFalse();
        a.settle(key, 70, 40);
        assertThat(a.balance(key)).isEqualTo(new Balance(40, 0));
        assertThat(b.reserve(key, 60, 100)).isTrue();
        assertThat(b.reserveRolling("r|tenant:acme|rolling", 10, 3, 5, 10)).isTrue();
        assertThat(b.balanceRolling("r|tenant:acme|rolling", 10, 3)).isEqualTo(new Balance(0, 5));
        clock.advance(Duration.ofSeconds(30)); // heartbeat: lease renewals through the cluster
        assertThat(b.stats().leaseRenewals()).isPositive();
        assertThat(b.stats().writeFailures()).isZero();
        RedisRateLimits limits = RedisRateLimits.of(a, RateLimit.requestsPerMinute(Scope.TENANT, 2));
        RateLimit rpm = limits.limits().get(0);
        long now = clock.millis() * 1000;
        assertThat(limits.take(rpm, "tenant:acme", 2, now)).isZero();
        assertThat(limits.take(rpm, "tenant:acme", 1, now)).isPositive();
      } finally {
        ca.close();
        cb.close();
      }
    } finally {
      cluster.shutdown(Duration.ZERO, Duration.ofSeconds(1));
      server.destroy();
      server.waitFor();
    }
  }

  /** Starts a cluster-mode redis-server and returns once it accepts connections. */
  private static Process start(Path dir, int port) throws IOException {
    Process p;
    try {
      p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--cluster-enabled", "yes", "--cluster-config-file", dir.resolve("nodes.conf").toString(),
          "--dir", dir.toString(), "--save", "", "--appendonly", "no")
          .redirectErrorStream(true).start();
    } catch (IOException e) {
      String why = "redis-server is not on the PATH (" + e.getMessage() + "); install it (Debian: apt-get install "
          + "redis-server) to run the cluster test";
      if (Boolean.getBoolean("llmops.requireServices")) {
        fail(why);
      }
      Assumptions.abort(why);
      throw e;
    }
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null) {
      seen.append(line).append('\n');
      if (line.contains("Ready to accept connections")) {
        Thread drain = new Thread(() -> {
          try {
            out.lines().forEach(l -> { });
          } catch (java.io.UncheckedIOException closed) {
            // the server was stopped
          }
        }, "cluster-redis-output");
        drain.setDaemon(true);
        drain.start();
        return p;
      }
    }
    Files.writeString(dir.resolve("redis.log"), seen);
    throw new IllegalStateException("redis-server in cluster mode did not start:\n" + seen);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    }
  }
}
