package dev.llmops.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.eval.monitor.DriftStore;
import dev.llmops.eval.monitor.tck.DriftStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The drift store contract against the real Redis server: every replica opens its own connection,
 * all under one random namespace that is deleted afterwards.
 */
class RedisDriftStoreTest extends DriftStoreContract {
  private static RedisServer server;

  @BeforeAll
  static void connect() {
    server = RedisServer.connect("drift");
  }

  @AfterAll
  static void cleanUp() {
    if (server != null) {
      server.close();
    }
  }

  static RedisDriftStore newReplica() {
    return RedisDriftStore.builder().connection(server.newConnection()).namespace(server.namespace)
        .timeout(Duration.ofSeconds(10)) // correctness, not latency, on a loaded machine
        .build();
  }

  @Override
  protected DriftStore replica() {
    return newReplica();
  }

  @Test
  void theLeaseIsAKeyWithTheServersExpiryAndOfferedWindowsAListThatExpires() {
    RedisDriftStore store = newReplica();
    var redis = server.sync();
    assertThat(store.tryCheck("lease-check", "a", Duration.ofSeconds(30))).isTrue();
    String lease = server.namespace + ":drift:{lease-check}:lease";
    assertThat(redis.get(lease)).isEqualTo("a");
    assertThat(redis.pttl(lease)).isBetween(1L, 30_000L);
    store.offer("lease-check", "{\"n\":1}");
    store.offer("lease-check", "{\"n\":2}");
    String windows = server.namespace + ":drift:{lease-check}:windows";
    assertThat(redis.lrange(windows, 0, -1)).containsExactly("{\"n\":1}", "{\"n\":2}");
    assertThat(redis.pttl(windows)).isBetween(1L, Duration.ofDays(1).toMillis());
    // A lease that ran out on the server's clock passes on; deleting the key does what its expiry
    // does, without waiting for it.
    redis.del(lease);
    RedisDriftStore b = newReplica();
    assertThat(b.tryCheck("lease-check", "b", Duration.ofSeconds(30))).isTrue();
    assertThat(store.drain("lease-check", "a")).as("a is fenced off").isEmpty();
    assertThat(b.drain("lease-check", "b")).containsExactly("{\"n\":1}", "{\"n\":2}");
    assertThat(redis.exists(windows)).as("the drain deleted the list").isZero();
  }

  @Test
  void scriptsAreSentAgainAfterTheServerForgotThem() {
    RedisDriftStore store = newReplica();
    assertThat(store.tryCheck("flush-check", "a", Duration.ofSeconds(30))).isTrue();
    server.sync().scriptFlush();
    store.offer("flush-check", "{}");
    assertThat(store.drain("flush-check", "a")).containsExactly("{}");
    assertThat(store.scriptReloads()).isPositive();
  }

  @Test
  void badSettingsFailAtOnce() {
    assertThatThrownBy(() -> RedisDriftStore.builder().build()).hasMessageContaining("connection");
    assertThatThrownBy(() -> RedisDriftStore.builder().namespace("a{b}")).hasMessageContaining("namespace");
    assertThatThrownBy(() -> RedisDriftStore.builder().retention(Duration.ZERO)).hasMessageContaining("retention");
    assertThatThrownBy(() -> newReplica().offer("x{y}", "{}")).hasMessageContaining("monitor 'x{y}'")
        .hasMessageContaining("hash tag");
  }
}
