package dev.llmops.openfeature;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.core.LlmClient;
import dev.llmops.core.experiment.Assignment;
import dev.llmops.core.experiment.Experiment;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.experiment.Variant;
import dev.llmops.testkit.FakeChatModel;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.providers.memory.Flag;
import dev.openfeature.sdk.providers.memory.InMemoryProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bridge against OpenFeature's own in-memory provider, through a real client. */
class OpenFeatureVariantSourceTest {
  private final List<EvaluationContext> contexts = new CopyOnWriteArrayList<>();
  private LlmClient client = LlmClient.builder().model("smart", FakeChatModel.create()).build();

  @AfterEach
  void close() {
    client.close();
  }

  /** A client whose experiment "model-choice" is decided by a flag evaluated by {@code evaluator}. */
  private LlmClient client(String domain, String flagKey, java.util.function.Function<EvaluationContext, String> evaluator) {
    Flag<String> flag = Flag.<String>builder()
        .variant("smart", "smart")
        .variant("cheap", "cheap")
        .variant("none", "")
        .defaultVariant("none")
        .contextEvaluator((f, ctx) -> {
          contexts.add(ctx);
          return evaluator.apply(ctx);
        })
        .build();
    OpenFeatureAPI api = OpenFeatureAPI.getInstance();
    api.setProviderAndWait(domain, new InMemoryProvider(Map.of(flagKey, flag)));
    Experiments experiments = Experiments.builder()
        .add(Experiment.builder("model-choice")
            .variant(Variant.of("smart").withModel("smart"))
            .variant(Variant.of("cheap").withModel("cheap"))
            .weights(1, 0)
            .build())
        .variantSource(OpenFeatureVariantSource.builder(api.getClient(domain))
            .flagKey(key -> "llmops." + key)
            .build())
        .build();
    client = LlmClient.builder()
        .model("smart", FakeChatModel.create())
        .model("cheap", FakeChatModel.create())
        .experiments(experiments)
        .build();
    return client;
  }

  @Test
  void theFlagsStringValueNamesTheVariantForItsSubject() {
    client("bridge-1", "llmops.model-choice", ctx -> "vip".equals(ctx.getTargetingKey()) ? "cheap" : "");

    Completion vip = client.chat(ChatRequest.of("hi"),
        CallContext.ofSubject("vip").withTenant("acme").withFeature("support").withTag("region", "eu"));
    assertThat(vip.endpoint()).isEqualTo("cheap");
    assertThat(vip.attribute(Assignment.KEY)).get()
        .satisfies(a -> {
          assertThat(a.variant()).isEqualTo("cheap");
          assertThat(a.reason()).isEqualTo(Assignment.Reason.SOURCE);
        });

    Completion other = client.chat(ChatRequest.of("hi"), CallContext.ofSubject("someone"));
    assertThat(other.endpoint()).as("empty flag value: hashing decides (weights 1/0)").isEqualTo("smart");
    assertThat(other.attribute(Assignment.KEY)).get().extracting(Assignment::reason).isEqualTo(Assignment.Reason.HASHED);

    EvaluationContext first = contexts.get(0);
    assertThat(first.getTargetingKey()).isEqualTo("vip");
    assertThat(first.getValue("tenant").asString()).isEqualTo("acme");
    assertThat(first.getValue("feature").asString()).isEqualTo("support");
    assertThat(first.getValue("region").asString()).isEqualTo("eu");
    assertThat(first.getValue("experiment").asString()).isEqualTo("model-choice");
  }

  @Test
  void aValueNamingNoVariantOrAMissingFlagLeavesTheChoiceToHashing() {
    client("bridge-2", "llmops.model-choice", ctx -> "no-such-variant");
    Completion c = client.chat(ChatRequest.of("hi"), CallContext.ofSubject("u1"));
    assertThat(c.endpoint()).isEqualTo("smart");
    assertThat(c.attribute(Assignment.KEY)).get().extracting(Assignment::reason).isEqualTo(Assignment.Reason.HASHED);
    client.close();

    contexts.clear();
    client("bridge-3", "some-other-flag", ctx -> "cheap");
    Completion missing = client.chat(ChatRequest.of("hi"), CallContext.ofSubject("u1"));
    assertThat(missing.endpoint()).isEqualTo("smart");
    assertThat(contexts).as("the flag the bridge asked for does not exist").isEmpty();
  }

  @Test
  void forcedVariantsStillWinOverTheFlag() {
    OpenFeatureAPI api = OpenFeatureAPI.getInstance();
    api.setProviderAndWait("bridge-4", new InMemoryProvider(Map.of("model-choice",
        Flag.<String>builder().variant("cheap", "cheap").defaultVariant("cheap").build())));
    Experiments experiments = Experiments.builder()
        .add(Experiment.builder("model-choice")
            .variant(Variant.of("smart").withModel("smart"))
            .variant(Variant.of("cheap").withModel("cheap"))
            .force("qa", "smart")
            .build())
        .variantSource(OpenFeatureVariantSource.create(api.getClient("bridge-4")))
        .build();
    client = LlmClient.builder().model("smart", FakeChatModel.create()).model("cheap", FakeChatModel.create())
        .experiments(experiments).build();
    assertThat(client.chat(ChatRequest.of("x"), CallContext.ofSubject("qa")).endpoint()).isEqualTo("smart");
    assertThat(client.chat(ChatRequest.of("x"), CallContext.ofSubject("anyone")).endpoint()).isEqualTo("cheap");
  }
}
