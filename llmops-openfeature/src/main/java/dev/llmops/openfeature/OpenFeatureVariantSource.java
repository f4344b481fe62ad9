package dev.llmops.openfeature;

import dev.llmops.api.CallContext;
import dev.llmops.api.CallInfo;
import dev.llmops.core.experiment.Experiment;
import dev.llmops.core.experiment.VariantSource;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.Value;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Lets an OpenFeature flag platform choose experiment variants: for each running experiment, the
 * string flag named after it (by default the experiment key; see {@link Builder#flagKey}) is
 * evaluated, and its value is the variant key. An empty value, a flag the provider does not know,
 * or a value that names no variant of the experiment leave the choice to GrowthBook hashing.
 *
 * <p>The evaluation context's targeting key is the subject (the value of the experiment's hash
 * attribute); its attributes are {@code experiment}, and the call context's {@code tenant},
 * {@code feature}, {@code apiKeyId} and tags, where set.
 *
 * <pre>{@code
 * Experiments experiments = Experiments.builder()
 *     .load(Path.of("experiments.yaml"))
 *     .variantSource(OpenFeatureVariantSource.create(OpenFeatureAPI.getInstance().getClient()))
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe, as OpenFeature clients are. Each matching call evaluates one flag
 * on the call's thread, so the provider should evaluate locally (most server-side providers do).
 */
public final class OpenFeatureVariantSource implements VariantSource {
  private final Client client;
  private final Function<String, String> flagKey;

  private OpenFeatureVariantSource(Builder b) {
    this.client = b.client;
    this.flagKey = b.flagKey;
  }

  /** A source that evaluates, with {@code client}, a string flag named after each experiment's key. */
  public static OpenFeatureVariantSource create(Client client) {
    return builder(client).build();
  }

  /** A builder for a source that evaluates flags with {@code client}. */
  public static Builder builder(Client client) {
    return new Builder(Objects.requireNonNull(client, "client"));
  }

  @Override
  public @Nullable String variant(Experiment experiment, String subject, CallInfo call) {
    String value = client.getStringValue(flagKey.apply(experiment.key()), "", context(experiment, subject, call.context()));
    return value == null || value.isEmpty() ? null : value;
  }

  /** The evaluation context for {@code subject} in {@code experiment}. */
  static EvaluationContext context(Experiment experiment, String subject, CallContext context) {
    Map<String, Value> attributes = new HashMap<>();
    context.tags().forEach((k, v) -> attributes.put(k, new Value(v)));
    attributes.put("experiment", new Value(experiment.key()));
    putIfSet(attributes, "tenant", context.tenant());
    putIfSet(attributes, "feature", context.feature());
    putIfSet(attributes, "apiKeyId", context.apiKeyId());
    return new ImmutableContext(subject, attributes);
  }

  private static void putIfSet(Map<String, Value> attributes, String name, @Nullable String value) {
    if (value != null) {
      attributes.put(name, new Value(value));
    }
  }

  /** Builds an {@link OpenFeatureVariantSource}. Not thread-safe. */
  public static final class Builder {
    private final Client client;
    private Function<String, String> flagKey = Function.identity();

    private Builder(Client client) {
      this.client = client;
    }

    /** Maps an experiment key to the flag that decides it (default: the key itself). */
    public Builder flagKey(Function<String, String> flagKey) {
      this.flagKey = Objects.requireNonNull(flagKey, "flagKey");
      return this;
    }

    /** Builds the source. */
    public OpenFeatureVariantSource build() {
      return new OpenFeatureVariantSource(this);
    }
  }
}
