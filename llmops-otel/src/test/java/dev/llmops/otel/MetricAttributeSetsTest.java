package dev.llmops.otel;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The metric attribute sets {@link OtelMetrics} keeps per combination (a kept speed trick, see
 * docs/architecture.md): whatever the order and number of combinations, each set holds exactly its
 * key's attributes, an equal key gets the kept set, and past the bound sets are built per call.
 */
class MetricAttributeSetsTest {
  private static OtelMetrics metrics(GenAiConventions conventions) {
    return new OtelMetrics(OpenTelemetry.noop().getMeter("test"), conventions);
  }

  /** The attributes a key stands for, built here independently of {@link OtelMetrics}. */
  private static Attributes expected(OtelMetrics.MetricKey k) {
    AttributesBuilder b = Attributes.builder().put(Keys.OPERATION_NAME, "chat").put(Keys.PROVIDER_NAME, k.provider());
    put(b, Keys.REQUEST_MODEL, k.requestModel());
    put(b, Keys.RESPONSE_MODEL, k.responseModel());
    put(b, Keys.SERVER_ADDRESS, k.serverAddress());
    if (k.serverAddress() != null && k.serverPort() > 0) {
      b.put(Keys.SERVER_PORT, (long) k.serverPort());
    }
    put(b, Keys.ERROR_TYPE, k.errorType());
    return b.build();
  }

  private static void put(AttributesBuilder b, io.opentelemetry.api.common.AttributeKey<String> key, @Nullable String value) {
    if (value != null) {
      b.put(key, value);
    }
  }

  @Provide
  Arbitrary<OtelMetrics.MetricKey> keys() {
    return Combinators.combine(
            Arbitraries.of("openai", "anthropic", "_OTHER"),
            Arbitraries.of("gpt-4o", "claude-haiku-4-5", "smart").injectNull(0.2),
            Arbitraries.of("gpt-4o", "gpt-4o-2024-08-06").injectNull(0.3),
            Arbitraries.of("api.openai.com", "localhost").injectNull(0.4),
            Arbitraries.of(0, 443, 8080),
            Arbitraries.of("timeout", "429", "cancelled").injectNull(0.6))
        .as(OtelMetrics.MetricKey::new);
  }

  @Property(tries = 200)
  void eachSetHoldsExactlyItsKeysAttributesAndEqualKeysShareIt(
      @ForAll @Size(max = 40) List<OtelMetrics.@From("keys") MetricKey> keys, @ForAll GenAiConventions conventions) {
    OtelMetrics metrics = metrics(conventions);
    for (OtelMetrics.MetricKey k : keys) {
      OtelMetrics.AttributeSets sets = metrics.attributeSets(k);
      Attributes base = expected(k);
      assertThat(sets.base).isEqualTo(base);
      if (conventions == GenAiConventions.V1_41) {
        assertThat(sets.input).isEqualTo(base.toBuilder().put(Keys.TOKEN_TYPE, "input").build());
        assertThat(sets.output).isEqualTo(base.toBuilder().put(Keys.TOKEN_TYPE, "output").build());
      } else {
        assertThat(sets.text).isEqualTo(base.toBuilder().put(Keys.TOKEN_MODALITY, "text").build());
        assertThat(sets.unknown).isEqualTo(base.toBuilder().put(Keys.TOKEN_MODALITY, "unknown").build());
      }
      OtelMetrics.MetricKey equal = new OtelMetrics.MetricKey(
          k.provider(), k.requestModel(), k.responseModel(), k.serverAddress(), k.serverPort(), k.errorType());
      assertThat(metrics.attributeSets(equal)).isSameAs(sets);
    }
  }

  @Example
  void pastTheBoundSetsAreStillRightButBuiltPerCall() {
    OtelMetrics metrics = metrics(GenAiConventions.V1_41);
    List<OtelMetrics.MetricKey> keys = new ArrayList<>();
    for (int i = 0; i < OtelMetrics.MAX_ATTRIBUTE_SETS + 10; i++) {
      keys.add(new OtelMetrics.MetricKey("openai", "model-" + i, null, null, 0, null));
    }
    for (OtelMetrics.MetricKey k : keys) {
      metrics.attributeSets(k);
    }
    OtelMetrics.MetricKey kept = keys.get(0);
    OtelMetrics.MetricKey beyond = keys.get(keys.size() - 1);
    assertThat(metrics.attributeSets(kept)).isSameAs(metrics.attributeSets(kept));
    assertThat(metrics.attributeSets(beyond)).isNotSameAs(metrics.attributeSets(beyond));
    assertThat(metrics.attributeSets(beyond).base).isEqualTo(expected(beyond));
  }

  /** Threads racing on overlapping keys, past the bound, each always get their own key's attributes. */
  @Example
  void racingThreadsEachGetTheirKeysAttributes() throws Exception {
    OtelMetrics metrics = metrics(GenAiConventions.V1_41);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int seed = t;
        results.add(pool.submit(() -> {
          for (int i = 0; i < 20_000; i++) {
            int n = (i * 31 + seed) % (OtelMetrics.MAX_ATTRIBUTE_SETS * 2);
            OtelMetrics.MetricKey k = new OtelMetrics.MetricKey("openai", "model-" + n, null, null, 0, n % 7 == 0 ? "timeout" : null);
            if (!metrics.attributeSets(k).base.equals(expected(k))) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
