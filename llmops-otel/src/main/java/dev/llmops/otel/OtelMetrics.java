package dev.llmops.otel;

import dev.llmops.api.BudgetExceededException;
import dev.llmops.api.CallInfo;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.QuotaExhaustedException;
import dev.llmops.api.Usage;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.context.Context;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The metrics of calls: the GenAI client metrics of one convention generation, with the bucket
 * boundaries the conventions advise, plus llmops' cost and budget-rejection counters. Thread-safe.
 */
final class OtelMetrics {
  /** Duration buckets the conventions advise (seconds). */
  static final List<Double> DURATION_BUCKETS =
      List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);

  /** Token buckets the conventions advise. */
  static final List<Long> TOKEN_BUCKETS =
      List.of(1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L,
          16777216L, 67108864L);

  /** How many attribute sets an instance keeps: far more than the models and errors a client sees. */
  static final int MAX_ATTRIBUTE_SETS = 1024;

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
  /**
   * The attribute sets of each combination seen, built once, at most {@link #MAX_ATTRIBUTE_SETS};
   * further combinations are built per call. A kept speed trick: docs/architecture.md says what it
   * saves and what it relies on.
   */
  private final Map<MetricKey, AttributeSets> attributeSets = new ConcurrentHashMap<>();

  OtelMetrics(Meter meter, GenAiConventions conventions) {
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
   * Records a call that ended: its duration, time to first chunk and token usage under the GenAI
   * attributes, its cost by model and tenant, and a budget or quota rejection. Every recording
   * takes the context the call started in (its exemplars then belong to the call's trace), not
   * whichever is current on the thread that ends the call.
   */
  void recordCall(
      CallInfo call, CallState st, @Nullable ChatResponse response, @Nullable Throwable error,
      @Nullable String errorType, @Nullable BigDecimal usd, double seconds) {
    Context context = st.parent;
    String requestModel = st.requestModel(call.originalRequest());
    ModelInfo model = st.model;
    AttributeSets sets = attributeSets(new MetricKey(st.provider(), requestModel,
        response == null || response.model().isEmpty() ? null : response.model(),
        model != null ? model.serverAddress() : null, model != null ? model.serverPort() : 0, errorType));
    duration.record(seconds, sets.base, context);
    if (st.timeToFirstChunk >= 0) {
      timeToFirstChunk.record(st.timeToFirstChunk, sets.base, context);
    }
    tokens(sets, response, context);
    if (usd != null) {
      // The counter takes a double: for dashboards; the ledger keeps the exact amount.
      cost.add(usd.doubleValue(), modelAndTenant(requestModel, st.tenant), context);
    }
    if (error instanceof BudgetExceededException || error instanceof QuotaExhaustedException) {
      AttributesBuilder b = Attributes.builder().put(Keys.REJECTION, error.getClass().getSimpleName());
      if (st.tenant != null) {
        b.put(Keys.TENANT, st.tenant);
      }
      budgetRejections.add(1, b.build(), context);
    }
  }

  /** The attribute sets of {@code key}: the kept ones, else built now (and kept while there is room). */
  AttributeSets attributeSets(MetricKey key) {
    AttributeSets sets = attributeSets.get(key);
    if (sets == null) {
      sets = new AttributeSets(key, conventions);
      if (attributeSets.size() < MAX_ATTRIBUTE_SETS) {
        attributeSets.putIfAbsent(key, sets);
      }
    }
    return sets;
  }

  /**
   * The token metrics. v1.41: one histogram with {@code gen_ai.token.type}, only when the call had
   * a response. Latest: input and output histograms, and usage counters with {@code
   * gen_ai.token.modality} ({@code unknown} when no response told the usage).
   */
  private void tokens(AttributeSets sets, @Nullable ChatResponse response, Context context) {
    Usage u = response != null ? response.usage() : Usage.ZERO;
    if (conventions == GenAiConventions.LATEST) {
      Objects.requireNonNull(outputTokens).record(u.outputTokens(), sets.base, context);
      inputTokens.record(u.inputTokens(), sets.base, context);
      Attributes counters = response != null ? sets.text : sets.unknown;
      Objects.requireNonNull(usageInput).add(u.inputTokens(), counters, context);
      Objects.requireNonNull(usageOutput).add(u.outputTokens(), counters, context);
      if (u.cachedInputTokens() > 0) {
        Objects.requireNonNull(usageCacheRead).add(u.cachedInputTokens(), counters, context);
      }
      if (u.cacheWriteTokens() > 0) {
        Objects.requireNonNull(usageCacheWrite).add(u.cacheWriteTokens(), counters, context);
      }
      if (u.reasoningTokens() > 0) {
        Objects.requireNonNull(usageReasoning).add(u.reasoningTokens(), counters, context);
      }
    } else if (response != null) {
      inputTokens.record(u.inputTokens(), sets.input, context);
      inputTokens.record(u.outputTokens(), sets.output, context);
    }
  }

  /** Built without a builder (no list to grow, no sort buffer): the key set is one of four. */
  private static Attributes modelAndTenant(@Nullable String model, @Nullable String tenant) {
    if (model == null) {
      return tenant == null ? Attributes.empty() : Attributes.of(Keys.TENANT, tenant);
    }
    return tenant == null ? Attributes.of(Keys.REQUEST_MODEL, model) : Attributes.of(Keys.REQUEST_MODEL, model, Keys.TENANT, tenant);
  }

  /** What distinguishes one call's metric attributes from another's. */
  /** What tells one call's metric attributes from another's. */
  record MetricKey(
      String provider, @Nullable String requestModel, @Nullable String responseModel,
      @Nullable String serverAddress, int serverPort, @Nullable String errorType) {}

  /**
   * The attributes of one {@link MetricKey}: {@code base} for durations (and, latest conventions,
   * the token histograms), with {@code gen_ai.token.type} for the v1.41 token histogram, with
   * {@code gen_ai.token.modality} for the latest usage counters.
   */
  static final class AttributeSets {
    final Attributes base;
    final Attributes input;
    final Attributes output;
    final Attributes text;
    final Attributes unknown;

    AttributeSets(MetricKey key, GenAiConventions conventions) {
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
        this.text = base.toBuilder().put(Keys.TOKEN_MODALITY, "text").build();
        this.unknown = base.toBuilder().put(Keys.TOKEN_MODALITY, "unknown").build();
      } else {
        this.input = base.toBuilder().put(Keys.TOKEN_TYPE, "input").build();
        this.output = base.toBuilder().put(Keys.TOKEN_TYPE, "output").build();
        this.text = base;
        this.unknown = base;
      }
    }
  }
}
