package dev.llmops.eval.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.AttributeKey;
import dev.llmops.api.CallAttributes;
import dev.llmops.api.CallContext;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallMode;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Fingerprint;
import java.time.Instant;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The slice handles find, for every call, the very value its {@link MonitorKey} names: one value
 * per key, however the call spells it, and none beyond the limit.
 */
class SliceIndexTest {

  /** A call as the monitors see it: context, request and fingerprint. */
  record Call(@Nullable String feature, @Nullable String model, @Nullable Fingerprint fingerprint) implements CallInfo {
    @Override
    public String callId() {
      return "c";
    }

    @Override
    public CallMode mode() {
      return CallMode.BLOCKING;
    }

    @Override
    public CallContext context() {
      return feature == null ? CallContext.empty() : CallContext.empty().withFeature(feature);
    }

    @Override
    public ChatRequest originalRequest() {
      ChatRequest.Builder b = ChatRequest.builder().user("hi");
      return model == null ? b.build() : b.model(model).build();
    }

    @Override
    public Instant startedAt() {
      return Instant.EPOCH;
    }

    @Override
    public CallAttributes attributes() {
      Map<AttributeKey<?>, Object> map = new HashMap<>();
      if (fingerprint != null) {
        map.put(Fingerprint.KEY, fingerprint);
      }
      return new CallAttributes() {
        @Override
        public <T> Optional<T> get(AttributeKey<T> key) {
          return Optional.ofNullable(key.type().cast(map.get(key)));
        }

        @Override
        public <T> void put(AttributeKey<T> key, T value) {
          map.put(key, value);
        }

        @Override
        public Map<AttributeKey<?>, Object> snapshot() {
          return Map.copyOf(map);
        }
      };
    }

    @Override
    public boolean cancelled() {
      return false;
    }
  }

  @Property(tries = 200)
  void everyCallFindsTheValueOfItsKey(@ForAll("calls") List<Call> calls) {
    AtomicInteger made = new AtomicInteger();
    SliceIndex<Object> index = new SliceIndex<>(10_000, k -> new Object[] {k, made.incrementAndGet()});
    Map<MonitorKey, Object> expected = new HashMap<>();
    for (Call c : calls) {
      Object v = index.of(c);
      Object before = expected.putIfAbsent(MonitorKey.of(c), v);
      assertThat(v).isSameAs(before == null ? v : before).isSameAs(index.byKey().get(MonitorKey.of(c)));
      assertThat(index.of(c)).as("found again").isSameAs(v);
    }
    assertThat(index.byKey()).containsOnlyKeys(expected.keySet());
    assertThat(made.get()).as("one value per key").isEqualTo(expected.size());
    IdentityHashMap<Object, Boolean> distinct = new IdentityHashMap<>();
    expected.values().forEach(v -> distinct.put(v, true));
    assertThat(distinct).hasSameSizeAs(expected);
  }

  @Provide
  Arbitrary<List<Call>> calls() {
    Arbitrary<String> part = Arbitraries.of("", "a", "b", "a:b", "b:c", "x@1");
    Arbitrary<@Nullable Fingerprint> fingerprint = Combinators.combine(
            part.injectNull(0.3), Arbitraries.integers().between(0, 3), part.injectNull(0.3), part.injectNull(0.3),
            part.injectNull(0.3))
        .as((prompt, version, model, experiment, variant) ->
            new Fingerprint(prompt, prompt == null ? 0 : version, null, model, "p", experiment, variant));
    return Combinators.combine(part.injectNull(0.2), part.injectNull(0.2), fingerprint.injectNull(0.3))
        .as(Call::new).list().ofMaxSize(60);
  }

  @Test
  void partsThatSpellOneKeyShareItsValue() {
    SliceIndex<Object> index = new SliceIndex<>(10, k -> new Object());
    Call one = new Call("f", "m", new Fingerprint(null, 0, null, null, "p", "a:b", "c"));
    Call other = new Call("f", "m", new Fingerprint(null, 0, null, null, "p", "a", "b:c"));
    assertThat(MonitorKey.of(one)).isEqualTo(MonitorKey.of(other));
    assertThat(index.of(other)).isSameAs(index.of(one)).isNotNull();
  }

  @Test
  void beyondTheLimitNothingIsMadeAndKnownSlicesAreStillFound() {
    SliceIndex<Object> index = new SliceIndex<>(2, k -> new Object());
    Object a = index.of(new Call("a", null, null));
    Object b = index.of(new Call("b", null, null));
    assertThat(index.of(new Call("c", null, null))).isNull();
    assertThat(index.of(new MonitorKey("c", "", "", ""))).isNull();
    assertThat(index.of(new Call("a", null, null))).isSameAs(a).isNotNull();
    assertThat(index.of(new MonitorKey("b", "", "", ""))).isSameAs(b).isNotNull();
    assertThat(index.byKey()).hasSize(2);
  }

  /** Threads racing on new slices each get the one value of a key, and no count is lost. */
  @Test
  void concurrentCallsAgreeOnEachSliceAndCountEveryCall() throws Exception {
    DriftMonitor drift = DriftMonitor.builder().build();
    SliceIndex<Object> index = new SliceIndex<>(1000, k -> new Object());
    int threads = 4;
    int perThread = 5000;
    Map<MonitorKey, Object> seen = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
    List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      done.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < perThread; i++) {
          Call c = new Call("f" + (i % 50), "m", new Fingerprint("p", 1, null, null, "h", "x", "v" + (i % 3)));
          Object v = index.of(c);
          Object first = seen.putIfAbsent(MonitorKey.of(c), v);
          assertThat(v).isSameAs(first == null ? v : first);
          drift.record(MonitorKey.of(c), Signal.SCORE, 0.5);
        }
        return null;
      }));
    }
    for (java.util.concurrent.Future<?> f : done) {
      f.get(1, java.util.concurrent.TimeUnit.MINUTES);
    }
    pool.shutdown();
    assertThat(index.byKey()).hasSize(150);
    long total = 0;
    for (MonitorKey k : drift.keys()) {
      total += drift.windowCount(k, Signal.SCORE);
    }
    assertThat(total).isEqualTo((long) threads * perThread);
  }
}
