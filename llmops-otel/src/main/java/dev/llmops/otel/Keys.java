package dev.llmops.otel;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringArrayKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * The attribute keys we emit. Our own copies, not the deprecated {@code semconv-incubating}
 * constants (the tests cross-check every key that kept its name and type against them).
 */
final class Keys {
  private Keys() {}

  // GenAI conventions (names and types as in v1.41 and genai v0.1.0 unless noted)
  static final AttributeKey<String> OPERATION_NAME = stringKey("gen_ai.operation.name");
  static final AttributeKey<String> PROVIDER_NAME = stringKey("gen_ai.provider.name");
  static final AttributeKey<String> REQUEST_MODEL = stringKey("gen_ai.request.model");
  static final AttributeKey<Long> REQUEST_MAX_TOKENS = longKey("gen_ai.request.max_tokens");
  static final AttributeKey<Double> REQUEST_TEMPERATURE = doubleKey("gen_ai.request.temperature");
  static final AttributeKey<Double> REQUEST_TOP_P = doubleKey("gen_ai.request.top_p");
  static final AttributeKey<List<String>> REQUEST_STOP_SEQUENCES = stringArrayKey("gen_ai.request.stop_sequences");
  static final AttributeKey<Double> REQUEST_FREQUENCY_PENALTY = doubleKey("gen_ai.request.frequency_penalty");
  static final AttributeKey<Double> REQUEST_PRESENCE_PENALTY = doubleKey("gen_ai.request.presence_penalty");
  static final AttributeKey<Long> REQUEST_SEED = longKey("gen_ai.request.seed");
  static final AttributeKey<Boolean> REQUEST_STREAM = booleanKey("gen_ai.request.stream");
  static final AttributeKey<String> OUTPUT_TYPE = stringKey("gen_ai.output.type");
  static final AttributeKey<String> RESPONSE_ID = stringKey("gen_ai.response.id");
  static final AttributeKey<String> RESPONSE_MODEL = stringKey("gen_ai.response.model");
  static final AttributeKey<List<String>> RESPONSE_FINISH_REASONS = stringArrayKey("gen_ai.response.finish_reasons");
  static final AttributeKey<Double> RESPONSE_TIME_TO_FIRST_CHUNK = doubleKey("gen_ai.response.time_to_first_chunk");
  static final AttributeKey<Long> USAGE_INPUT_TOKENS = longKey("gen_ai.usage.input_tokens");
  static final AttributeKey<Long> USAGE_OUTPUT_TOKENS = longKey("gen_ai.usage.output_tokens");
  static final AttributeKey<Long> USAGE_CACHE_READ = longKey("gen_ai.usage.cache_read.input_tokens");
  /** v1.41 name of cache writes. */
  static final AttributeKey<Long> USAGE_CACHE_CREATION = longKey("gen_ai.usage.cache_creation.input_tokens");
  /** genai v0.1.0 name of cache writes (renamed by PR #440). */
  static final AttributeKey<Long> USAGE_CACHE_WRITE = longKey("gen_ai.usage.cache_write.input_tokens");
  static final AttributeKey<Long> USAGE_REASONING = longKey("gen_ai.usage.reasoning.output_tokens");
  static final AttributeKey<String> PROMPT_NAME = stringKey("gen_ai.prompt.name");
  /** genai v0.1.0 only. */
  static final AttributeKey<String> PROMPT_VERSION = stringKey("gen_ai.prompt.version");
  static final AttributeKey<String> TOKEN_TYPE = stringKey("gen_ai.token.type");
  /** genai v0.1.0 only. */
  static final AttributeKey<String> TOKEN_MODALITY = stringKey("gen_ai.token.modality");
  static final AttributeKey<String> INPUT_MESSAGES = stringKey("gen_ai.input.messages");
  static final AttributeKey<String> OUTPUT_MESSAGES = stringKey("gen_ai.output.messages");

  // Stable core conventions
  static final AttributeKey<String> ERROR_TYPE = stringKey("error.type");
  static final AttributeKey<String> SERVER_ADDRESS = stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = longKey("server.port");
  static final AttributeKey<String> EXCEPTION_TYPE = stringKey("exception.type");
  static final AttributeKey<String> EXCEPTION_MESSAGE = stringKey("exception.message");
  static final AttributeKey<String> EXCEPTION_STACKTRACE = stringKey("exception.stacktrace");

  // llmops
  static final AttributeKey<String> ENDPOINT = stringKey("llmops.endpoint");
  static final AttributeKey<String> TENANT = stringKey("llmops.tenant");
  static final AttributeKey<String> FEATURE = stringKey("llmops.feature");
  /** v1.41 only: the latest conventions have {@link #PROMPT_VERSION}. */
  static final AttributeKey<Long> LLMOPS_PROMPT_VERSION = longKey("llmops.prompt.version");
  static final AttributeKey<String> EXPERIMENT = stringKey("llmops.experiment.key");
  static final AttributeKey<String> VARIANT = stringKey("llmops.experiment.variant");
  static final AttributeKey<String> COST = stringKey("llmops.cost.usd");
  static final AttributeKey<Boolean> CACHE_HIT = booleanKey("llmops.cache.hit");
  static final AttributeKey<Long> RETRY_COUNT = longKey("llmops.retry.count");
  static final AttributeKey<String> FALLBACK_MODEL = stringKey("llmops.fallback.model");
  static final AttributeKey<Boolean> SHADOW = booleanKey("llmops.shadow");
  static final AttributeKey<Long> ATTEMPT_NUMBER = longKey("llmops.attempt.number");
  static final AttributeKey<String> REJECTION = stringKey("llmops.rejection.reason");
}
