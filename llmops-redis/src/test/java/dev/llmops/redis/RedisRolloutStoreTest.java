package dev.llmops.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.eval.monitor.tck.RolloutReplicasContract;
import dev.llmops.eval.monitor.RolloutStore;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rollout store contracts against the real Redis server: every replica opens its own
 * connection, all under one random namespace that is deleted afterwards.
 */
class RedisRolloutStoreTest extends RolloutReplicasContract {
  private static RedisServer server;

  @BeforeAll
  static void connect() {
    server = RedisServer.connect("rollout");
  }

  @AfterAll
  static void cleanUp() {
    if (server != null) {
      server.close();
    }
  }

  static RedisRolloutStore newReplica() {
    return RedisRolloutStore.builder().connection(server.newConnection()).namespace(server.namespace)
        .timeout(Duration.ofSeconds(10)) // correctness, not latency, on a loaded machine
        .build();
  }

  @Override
  protected RolloutStore replica() {
    return newReplica();
  }

  @Test
  void theLeaseIsAKeyWithTheServersExpiryAndCountsAreHashesThatExpire() {
    RedisRolloutStore store = newReplica();
    assertThat(store.tryAct("lease-check", "a", Duration.ofSeconds(30))).isTrue();
    var redis = server.sync();
    String lease = server.namespace + ":rollout:{lease-check}:lease";
    assertThat(redis.get(lease)).isEqualTo("a");
    assertThat(redis.pttl(lease)).isBetween(1L, 30_000L);
    store.add("lease-check", 4, "canary", Map.of("m.ERROR_RATE.n", 2.0));
    String counts = server.namespace + ":rollout:{lease-check}:counts:4:canary";
    assertThat(redis.hget(counts, "m.ERROR_RATE.n")).isEqualTo("2");
    assertThat(redis.pttl(counts)).isBetween(1L, Duration.ofDays(7).toMillis());
    // A lease that ran out on the server's clock passes on; deleting the key does what its expiry
    // does, without waiting for it.
    redis.del(lease);
    assertThat(newReplica().tryAct("lease-check", "b", Duration.ofSeconds(30))).isTrue();
    assertThat(store.saveState("lease-check", "a", "{}")).as("a is fenced off").isFalse();
  }

  @Test
  void aKillIsAHashWithTheServersTimeAndNoExpiry() {
    RedisRolloutStore store = newReplica();
    var redis = server.sync();
    long before = Long.parseLong(redis.time().get(0));
    store.kill("kill-check", "b", "incident 42");
    String kill = server.namespace + ":rollout:{kill-check}:kill";
    assertThat(redis.hgetall(kill)).containsEntry("replica", "b").containsEntry("reason", "incident 42").containsKey("at");
    assertThat(redis.pttl(kill)).as("no expiry").isEqualTo(-1L);
    assertThat(store.killed("kill-check").orElseThrow().at().getEpochSecond()).isBetween(before, before + 60);
    redis.hdel(kill, "reason");
    assertThatThrownBy(() -> store.killed("kill-check")).hasMessageContaining(kill).hasMessageContaining("reason");
  }

  @Test
  void scriptsAreSentAgainAfterTheServerForgotThem() {
    RedisRolloutStore store = newReplica();
    assertThat(store.tryAct("flush-check", "a", Duration.ofSeconds(30))).isTrue();
    server.sync().scriptFlush();
    assertThat(store.saveState("flush-check", "a", "{\"step\":1}")).isTrue();
    assertThat(store.scriptReloads()).isPositive();
    assertThat(store.state("flush-check")).contains("{\"step\":1}");
  }

  @Test
  void badSettingsFailAtOnce() {
    assertThatThrownBy(() -> RedisRolloutStore.builder().build()).hasMessageContaining("connection");
    assertThatThrownBy(() -> RedisRolloutStore.builder().namespace("a{b}")).hasMessageContaining("namespace");
    assertThatThrownBy(() -> newReplica().state("x{y}")).hasMessageContaining("hash tag");
  }
}
