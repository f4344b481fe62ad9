package dev.llmops.otel;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** The GenAI client metrics of one convention generation, plus llmops' own. Thread-safe. */
final class Metrics {
  /** Duration buckets the conventions advise (seconds). */
  static final List<Double> DURATION_BUCKETS =
      List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);

  /** Token buckets the conventions advise. */
  static final List<Long> TOKEN_BUCKETS =
      List.of(1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L,
          16777216L, 67108864L);

  private static final int MAX_CACHED_ATTRIBUTE_SETS = 1024;

  private final GenAiConventions conventions;
  private final DoubleHistogram duration;
  private final DoubleHistogram timeToFirstChunk;
  /** v1.41: gen_ai.client.token.usage (with token.type); latest: operation.input_tokens. */
  private final LongHistogram inputTokens;
  /** Null in v1.41 (one histogram with token.type there); latest: operation.output_tokens. */
  private final @Nullable LongHistogram outputTokens;
  private final @Nullable LongCounter usageInput;
  private final @Nullable LongCounter usageOutput;
  private final @Nullable LongCounter usageCacheRead;
  private final @Nullable LongCounter usageCacheWrite;
  private final @Nullable LongCounter usageReasoning;
  private final DoubleCounter cost;
  private final LongCounter budgetRejections;
  private final Map<MetricKey, AttributeSets> cache = new ConcurrentHashMap<>();
  private volatile @Nullable AttributeSets last;

  Metrics(Meter meter, GenAiConventions conventions) {
    this.conventions = conventions;
    boolean latest = conventions == GenAiConventions.LATEST;
    this.duration = meter.histogramBuilder(latest ? "gen_ai.client.inference.duration" : "gen_ai.client.operation.duration")
        .setUnit("s")
        .setDescription("Duration of GenAI client operations.")
        .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
        .build();
    this.timeToFirstChunk = meter.histogramBuilder(
            latest ? "gen_ai.client.inference.time_to_first_chunk" : "gen_ai.client.operation.time_to_first_chunk")
        .setUnit("s")
        .setDescription("Time from the request until the first chunk of a streamed response.")
        .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
        .build();
    if (latest) {
      this.inputTokens = tokenHistogram(meter, "gen_ai.client.inference.operation.input_tokens", "Input tokens per operation.");
      this.outputTokens = tokenHistogram(meter, "gen_ai.client.inference.operation.output_tokens", "Output tokens per operation.");
      this.usageInput = counter(meter, "gen_ai.client.inference.usage.input_tokens", "Input tokens used.");
      this.usageOutput = counter(meter, "gen_ai.client.inference.usage.output_tokens", "Output tokens used.");
      this.usageCacheRead = counter(meter, "gen_ai.client.inference.usage.cache_read.input_tokens", "Input tokens read from a cache.");
      this.usageCacheWrite = counter(meter, "gen_ai.client.inference.usage.cache_write.input_tokens", "Input tokens written to a cache.");
      this.usageReasoning = counter(meter, "gen_ai.client.inference.usage.reasoning.output_tokens", "Output tokens spent on reasoning.");
    } else {
      this.inputTokens = tokenHistogram(meter, "gen_ai.client.token.usage", "Number of input and output tokens used.");
      this.outputTokens = null;
      this.usageInput = null;
      this.usageOutput = null;
      this.usageCacheRead = null;
      this.usageCacheWrite = null;
      this.usageReasoning = null;
    }
    this.cost = meter.counterBuilder("llmops.client.cost")
        .ofDoubles()
        .setUnit("{USD}")
        .setDescription("Cost of calls in US dollars, by model and tenant (for dashboards; the ledger holds exact amounts).")
        .build();
    this.budgetRejections = meter.counterBuilder("llmops.client.budget.rejections")
        .setUnit("{call}")
        .setDescription("Calls rejected by a budget or quota before reaching a model.")
        .build();
  }

  private static LongHistogram tokenHistogram(Meter meter, String name, String description) {
    return meter.histogramBuilder(name)
        .ofLongs()
        .setUnit("{token}")
        .setDescription(description)
        .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS)
        .build();
  }

  private static LongCounter counter(Meter meter, String name, String description) {
    return meter.counterBuilder(name).setUnit("{token}").setDescription(description).build();
  }

  /**
   * The attributes of one call's metrics, built once per distinct combination. The last set is
   * checked first, so a run of alike calls looks nothing up and allocates no key.
   */
  AttributeSets attributes(
      String provider, @Nullable String requestModel, @Nullable String responseModel,
      @Nullable String serverAddress, int serverPort, @Nullable String errorType) {
    AttributeSets last = this.last;
    if (last != null && last.key.matches(provider, requestModel, responseModel, serverAddress, serverPort, errorType)) {
      return last;
    }
    MetricKey key = new MetricKey(provider, requestModel, responseModel, serverAddress, serverPort, errorType);
    AttributeSets sets = cache.get(key);
    if (sets == null) {
      sets = new AttributeSets(key, conventions);
      if (cache.size() < MAX_CACHED_ATTRIBUTE_SETS) {
        cache.putIfAbsent(key, sets);
      }
    }
    this.last = sets;
    return sets;
  }

  /**
   * Records one call's duration and token usage. Every recording here takes {@code context}
   * explicitly (the context exemplars are drawn from) rather than looking up the current one.
   */
  void recordCall(AttributeSets sets, Context context, double seconds, long input, long output, long cacheRead,
      long cacheWrite, long reasoning, boolean hasUsage) {
    duration.record(seconds, sets.base, context);
    if (conventions == GenAiConventions.LATEST) {
      Objects.requireNonNull(outputTokens).record(output, sets.base, context);
      inputTokens.record(input, sets.base, context);
      Attributes counters = hasUsage ? sets.text : sets.unknown;
      Objects.requireNonNull(usageInput).add(input, counters, context);
      Objects.requireNonNull(usageOutput).add(output, counters, context);
      if (cacheRead > 0) {
        Objects.requireNonNull(usageCacheRead).add(cacheRead, counters, context);
      }
      if (cacheWrite > 0) {
        Objects.requireNonNull(usageCacheWrite).add(cacheWrite, counters, context);
      }
      if (reasoning > 0) {
        Objects.requireNonNull(usageReasoning).add(reasoning, counters, context);
      }
    } else if (hasUsage) {
      inputTokens.record(input, sets.input, context);
      inputTokens.record(output, sets.output, context);
    }
  }

  void recordTimeToFirstChunk(AttributeSets sets, Context context, double seconds) {
    timeToFirstChunk.record(seconds, sets.base, context);
  }

  /** Adds an exact cost to the cost counter; the OpenTelemetry counter itself takes a double. */
  void recordCost(java.math.BigDecimal exactUsd, Attributes attributes, Context context) {
    cost.add(exactUsd.doubleValue(), attributes, context);
  }

  void recordBudgetRejection(Attributes attributes, Context context) {
    budgetRejections.add(1, attributes, context);
  }

  /** What distinguishes one call's metric attributes from another's. */
  record MetricKey(
      String provider, @Nullable String requestModel, @Nullable String responseModel,
      @Nullable String serverAddress, int serverPort, @Nullable String errorType) {

    boolean matches(
        String provider, @Nullable String requestModel, @Nullable String responseModel,
        @Nullable String serverAddress, int serverPort, @Nullable String errorType) {
      return this.serverPort == serverPort
          && this.provider.equals(provider)
          && Objects.equals(this.requestModel, requestModel)
          && Objects.equals(this.responseModel, responseModel)
          && Objects.equals(this.serverAddress, serverAddress)
          && Objects.equals(this.errorType, errorType);
    }
  }

  /** The attribute sets of one {@link MetricKey}. */
  static final class AttributeSets {
    final MetricKey key;
    final Attributes base;
    final Attributes input;
    final Attributes output;
    final Attributes text;
    final Attributes unknown;

    AttributeSets(MetricKey key, GenAiConventions conventions) {
      this.key = key;
      AttributesBuilder b = Attributes.builder()
          .put(Keys.OPERATION_NAME, "chat")
          .put(Keys.PROVIDER_NAME, key.provider());
      if (key.requestModel() != null) {
        b.put(Keys.REQUEST_MODEL, key.requestModel());
      }
      if (key.responseModel() != null) {
        b.put(Keys.RESPONSE_MODEL, key.responseModel());
      }
      if (key.serverAddress() != null) {
        b.put(Keys.SERVER_ADDRESS, key.serverAddress());
        if (key.serverPort() > 0) {
          b.put(Keys.SERVER_PORT, key.serverPort());
        }
      }
      if (key.errorType() != null) {
        b.put(Keys.ERROR_TYPE, key.errorType());
      }
      this.base = b.build();
      if (conventions == GenAiConventions.LATEST) {
        this.input = base;
        this.output = base;
      } else {
        this.input = base.toBuilder().put(Keys.TOKEN_TYPE, "input").build();
        this.output = base.toBuilder().put(Keys.TOKEN_TYPE, "output").build();
      }
      this.text = base.toBuilder().put(Keys.TOKEN_MODALITY, "text").build();
      this.unknown = base.toBuilder().put(Keys.TOKEN_MODALITY, "unknown").build();
    }
  }
}
