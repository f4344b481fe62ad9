package dev.llmops.testkit.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.Completion;
import dev.llmops.api.ConfigurationException;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.PromptRef;
import dev.llmops.core.LlmClient;
import dev.llmops.core.PipelineStep;
import dev.llmops.core.experiment.Assignment;
import dev.llmops.core.experiment.Condition;
import dev.llmops.core.experiment.Experiment;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.experiment.ExposureEvent;
import dev.llmops.core.experiment.Variant;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.RecordingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The EXPERIMENT step in a real client: what a variant changes, what is recorded and published. */
class ExperimentPipelineTest {
  private final FakeChatModel smart = FakeChatModel.builder().modelId("smart-model").build();
  private final FakeChatModel cheap = FakeChatModel.builder().modelId("cheap-model").build();
  private final RecordingListener listener = RecordingListener.create();
  private final List<PromptRef> promptSeen = new CopyOnWriteArrayList<>();
  private LlmClient client = LlmClient.builder().model("smart", smart).build();

  private static final GenerationParameters COOL = GenerationParameters.builder().temperature(0.1).maxOutputTokens(99).build();

  private static Experiment.Builder supportModel() {
    return Experiment.builder("support-model")
        .feature("support")
        .variant(Variant.of("control").withModel("smart"))
        .variant(Variant.of("cheap").withModel("cheap").withParameters(COOL).withPromptLabel("candidate"))
        .force("qa-user", "cheap");
  }

  private LlmClient client(Experiment... experiments) {
    client = LlmClient.builder()
        .model("smart", smart)
        .model("cheap", cheap)
        .experiments(Experiments.of(experiments))
        .step(PipelineStep.PROMPT, chain -> {
          chain.call().attributes().get(PromptRef.KEY).ifPresent(promptSeen::add);
          return chain.proceed(chain.request());
        })
        .listener(listener)
        .build();
    return client;
  }

  @AfterEach
  void close() {
    client.close();
  }

  private Completion call(CallContext context) {
    return client.request(ChatRequest.builder().user("hello").temperature(0.9).build())
        .context(context)
        .attribute(PromptRef.KEY, new PromptRef("support-reply", "production", null, Map.of()))
        .call();
  }

  @Test
  void aConditionOnCallerAttributesAndContextTagsTargetsCalls() {
    client(supportModel().condition(Condition.parse("{\"plan\": \"pro\", \"region\": {\"$in\": [\"eu\", \"us\"]}}")).build());
    CallContext eu = CallContext.ofSubject("u-1").withFeature("support").withTag("region", "eu");
    Completion free = client.request(ChatRequest.builder().user("hello").build()).context(eu)
        .attribute(Experiments.ATTRIBUTES, Map.of("plan", "free")).call();
    assertThat(free.attribute(Assignment.KEY)).isEmpty();
    Completion pro = client.request(ChatRequest.builder().user("hello").build()).context(eu)
        .attribute(Experiments.ATTRIBUTES, Map.of("plan", "pro")).call();
    assertThat(pro.attribute(Assignment.KEY)).get().extracting(Assignment::reason).isEqualTo(Assignment.Reason.HASHED);
    Completion asia = client.request(ChatRequest.builder().user("hello").build())
        .context(eu.withTag("region", "apac")).attribute(Experiments.ATTRIBUTES, Map.of("plan", "pro")).call();
    assertThat(asia.attribute(Assignment.KEY)).isEmpty();
  }

  @Test
  void aForcedSubjectGetsTheVariantsModelParametersAndPromptLabel() {
    client(supportModel().build());
    Completion c = call(CallContext.ofSubject("qa-user").withFeature("support"));

    assertThat(c.endpoint()).isEqualTo("cheap");
    assertThat(cheap.lastRequest().parameters().temperature()).as("the variant's parameters win").isEqualTo(0.1);
    assertThat(cheap.lastRequest().parameters().maxOutputTokens()).isEqualTo(99);
    assertThat(smart.callCount()).isZero();
    assertThat(promptSeen).singleElement().satisfies(ref -> {
      assertThat(ref.name()).isEqualTo("support-reply");
      assertThat(ref.label()).isEqualTo("candidate");
    });

    Assignment a = c.attribute(Assignment.KEY).orElseThrow();
    assertThat(a.experimentKey()).isEqualTo("support-model");
    assertThat(a.variant()).isEqualTo("cheap");
    assertThat(a.reason()).isEqualTo(Assignment.Reason.FORCED);
    Fingerprint f = c.attribute(Fingerprint.KEY).orElseThrow();
    assertThat(f.experimentKey()).isEqualTo("support-model");
    assertThat(f.variant()).isEqualTo("cheap");
    assertThat(f.promptName()).isEqualTo("support-reply");
    assertThat(f.model()).isEqualTo("cheap");
    assertThat(f.parametersHash()).isEqualTo(Fingerprint.hashParameters(cheap.lastRequest().parameters())).hasSize(64);
    assertThat(listener.events(ExposureEvent.class)).containsExactly(new ExposureEvent(a));
  }

  @Test
  void theFingerprintFollowsTheParametersEachCallSends() {
    client(supportModel().force("ana", "control").build());
    CallContext ana = CallContext.ofSubject("ana").withFeature("support");
    List<String> hashes = new ArrayList<>();
    for (double temperature : new double[] {0.9, 0.9, 0.3, 0.9}) {
      Completion c = client.request(ChatRequest.builder().user("hello").temperature(temperature).build())
          .context(ana)
          .call();
      Fingerprint f = c.attribute(Fingerprint.KEY).orElseThrow();
      assertThat(f.variant()).isEqualTo("control");
      assertThat(f.parametersHash()).isEqualTo(Fingerprint.hashParameters(smart.lastRequest().parameters()));
      hashes.add(f.parametersHash());
    }
    assertThat(hashes.get(1)).isEqualTo(hashes.get(0)).isEqualTo(hashes.get(3));
    assertThat(hashes.get(2)).isNotEqualTo(hashes.get(0));
  }

  @Test
  void concurrentCallsEachGetTheFingerprintOfTheParametersTheySent() throws Exception {
    client(supportModel().force("ana", "control").build());
    CallContext ana = CallContext.ofSubject("ana").withFeature("support");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 100; i++) {
            GenerationParameters sent = GenerationParameters.builder().temperature(((i + thread) % 3) / 10.0).build();
            Completion c = client.request(ChatRequest.builder().user("hello").parameters(sent).build())
                .context(ana)
                .call();
            assertThat(c.attribute(Fingerprint.KEY).orElseThrow().parametersHash())
                .isEqualTo(Fingerprint.hashParameters(sent));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void hashedSubjectsLandWhereTheGrowthBookAssignmentSays() {
    Experiment e = supportModel().build();
    client(e);
    int cheapCalls = 0;
    for (int i = 0; i < 60; i++) {
      String subject = "user-" + i;
      Completion c = call(CallContext.ofSubject(subject).withFeature("support"));
      Assignment expected = e.assign(subject);
      assertThat(expected).isNotNull();
      assertThat(c.attribute(Assignment.KEY)).contains(expected);
      assertThat(c.endpoint()).isEqualTo(expected.variant().equals("cheap") ? "cheap" : "smart");
      cheapCalls += c.endpoint().equals("cheap") ? 1 : 0;
    }
    assertThat(cheapCalls).as("both arms get traffic").isBetween(10, 50);
    assertThat(listener.events(ExposureEvent.class)).hasSize(60)
        .allSatisfy(x -> assertThat(x.assignment().reason()).isEqualTo(Assignment.Reason.HASHED));
  }

  @Test
  void callsOutsideTheExperimentAreUntouched() {
    client(supportModel().build());
    Completion other = call(CallContext.ofSubject("qa-user").withFeature("billing"));
    assertThat(other.endpoint()).isEqualTo("smart");
    assertThat(smart.lastRequest().parameters().temperature()).isEqualTo(0.9);
    assertThat(other.attribute(Assignment.KEY)).isEmpty();
    assertThat(other.attribute(Fingerprint.KEY)).isEmpty();
    assertThat(promptSeen).singleElement().extracting(PromptRef::label).isEqualTo("production");
    assertThat(listener.events(ExposureEvent.class)).isEmpty();
  }

  @Test
  void withoutASubjectTheCallGetsControlAndNoExposure() {
    client(supportModel().build());
    Completion c = call(CallContext.empty().withFeature("support"));
    assertThat(c.endpoint()).isEqualTo("smart");
    assertThat(c.attribute(Assignment.KEY)).isEmpty();
    assertThat(listener.events(ExposureEvent.class)).isEmpty();
  }

  @Test
  void aStoppedExperimentServesControlWithoutExposureAndAKilledOneRecordsIt() {
    client(supportModel().status(Experiment.Status.STOPPED).build());
    Completion stopped = call(CallContext.ofSubject("qa-user").withFeature("support"));
    assertThat(stopped.endpoint()).isEqualTo("smart");
    assertThat(stopped.attribute(Assignment.KEY)).isEmpty();
    client.close();

    client(supportModel().status(Experiment.Status.KILLED).build());
    Completion killed = call(CallContext.ofSubject("qa-user").withFeature("support"));
    assertThat(killed.endpoint()).as("the kill switch beats the forced variant").isEqualTo("smart");
    assertThat(killed.attribute(Assignment.KEY)).get().extracting(Assignment::reason).isEqualTo(Assignment.Reason.KILLED);
    assertThat(listener.events(ExposureEvent.class)).hasSize(1);
  }

  @Test
  void theExperimentAttributeChoosesTheExperimentWhateverItsSelectors() {
    client(supportModel().build());
    Completion c = client.request(ChatRequest.of("hi"))
        .context(CallContext.ofSubject("qa-user").withFeature("something-else"))
        .attribute(Experiments.EXPERIMENT, "support-model")
        .call();
    assertThat(c.endpoint()).isEqualTo("cheap");
  }

  @Test
  void theHashAttributeCanBeTheTenantOrATag() {
    Experiment byTenant = Experiment.builder("by-tenant").hashAttribute("tenant")
        .variant(Variant.of("a")).variant(Variant.of("b").withModel("cheap")).force("acme", "b").build();
    Experiment byTag = Experiment.builder("by-tag").hashAttribute("org")
        .variant(Variant.of("a")).variant(Variant.of("b").withModel("cheap")).force("org-7", "b").build();
    client(byTenant);
    assertThat(client.chat(ChatRequest.of("x"), CallContext.ofTenant("acme")).endpoint()).isEqualTo("cheap");
    client.close();
    client(byTag);
    assertThat(client.chat(ChatRequest.of("x"), CallContext.empty().withTag("org", "org-7")).endpoint())
        .isEqualTo("cheap");
  }

  @Test
  void experimentsInOneNamespaceNeverShareASubject() {
    Experiment.Namespace left = new Experiment.Namespace("models", 0, 0.5);
    Experiment.Namespace right = new Experiment.Namespace("models", 0.5, 1);
    client(
        Experiment.builder("left").namespace(left).variant(Variant.of("a")).variant(Variant.of("b")).build(),
        Experiment.builder("right").namespace(right).variant(Variant.of("c")).variant(Variant.of("d")).build());
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Completion c = client.chat(ChatRequest.of("x"), CallContext.ofSubject("s" + i));
      Assignment a = c.attribute(Assignment.KEY).orElseThrow();
      seen.add(a.experimentKey());
    }
    assertThat(seen).contains("left", "right");
    assertThat(listener.events(ExposureEvent.class)).hasSize(100);
  }

  @Test
  void anExistingFingerprintKeepsItsPromptFieldsAndGainsTheVariant() {
    client(supportModel().build());
    Fingerprint before = new Fingerprint("support-reply", 3, "abc", "smart", "ffff", null, null);
    Completion c = client.request(ChatRequest.of("hi"))
        .context(CallContext.ofSubject("qa-user").withFeature("support"))
        .attribute(Fingerprint.KEY, before)
        .call();
    assertThat(c.attribute(Fingerprint.KEY)).contains(before.withVariant("support-model", "cheap")
        .withServed(c.response().model(), null));
  }

  @Test
  void aThrowingVariantSourceLeavesTheChoiceToHashingAndIsCounted() {
    Experiment e = supportModel().build();
    Experiments experiments = Experiments.builder().add(e)
        .variantSource((experiment, subject, call) -> {
          throw new IllegalStateException("flag platform down");
        })
        .build();
    client = LlmClient.builder().model("smart", smart).model("cheap", cheap).experiments(experiments).build();
    Completion c = call(CallContext.ofSubject("user-1").withFeature("support"));
    assertThat(c.attribute(Assignment.KEY)).contains(e.assign("user-1"));
    assertThat(experiments.hookFailures()).isEqualTo(1);
  }

  @Test
  void aVariantNamingAnUnknownEndpointFailsTheClientBuild() {
    Experiments experiments = Experiments.of(Experiment.builder("typo")
        .variant(Variant.of("a").withModel("smart")).variant(Variant.of("b").withModel("chaep")).build());
    assertThatThrownBy(() -> LlmClient.builder().model("smart", smart).model("cheap", cheap)
            .experiments(experiments).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("experiment 'typo'")
        .hasMessageContaining("variants['b'].model")
        .hasMessageContaining("chaep");
  }
}
