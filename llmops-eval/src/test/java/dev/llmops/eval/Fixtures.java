package dev.llmops.eval;

import dev.llmops.api.Fingerprint;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.ChatResponse;
import dev.llmops.core.LlmClient;
import dev.llmops.core.prompt.InMemoryPromptSource;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.prompt.PromptVersion;
import dev.llmops.eval.dataset.Dataset;
import dev.llmops.eval.dataset.EvalCase;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Shared test setup: a test clock, a manual scheduler, a prompt registry, datasets. */
public final class Fixtures {
  public final TestClock clock = TestClock.create();
  public final ManualScheduler scheduler = ManualScheduler.on(clock);
  /** Fingerprints of every call that ended, as a listener sees them. */
  public final List<Fingerprint> fingerprints = new CopyOnWriteArrayList<>();

  /** A registry with prompt {@code qa} (v1 terse, v2 with the capital rule) and {@code judge}. */
  public PromptRegistry prompts() {
    InMemoryPromptSource source = InMemoryPromptSource.builder()
        .add(PromptVersion.builder("qa", 1).system("Answer.").user("{{question}}").build())
        .add(PromptVersion.builder("qa", 2).system("Answer with the capital city.").user("{{question}}").build())
        .add(PromptVersion.builder("judge", 1)
            .system("Grade the answer against the reference. Reply with JSON {\"score\": 0..1, \"reason\": \"...\"}.")
            .user("Question: {{question}}\nReference: {{reference}}\nAnswer: {{answer}}")
            .build())
        .add(PromptVersion.builder("pairwise", 1)
            .system("Which answer is better? Reply with JSON {\"winner\": \"A\"|\"B\"|\"tie\", \"reason\": \"...\"}.")
            .user("Question: {{question}}\nA: {{answer_a}}\nB: {{answer_b}}")
            .build())
        .label("qa", "production", 2)
        .label("qa", "candidate", 1)
        .label("judge", "production", 1)
        .label("pairwise", "production", 1)
        .build();
    return PromptRegistry.builder().source(source).clock(clock).build();
  }

  /** A client over {@code model} with the prompts and a listener recording fingerprints. */
  public LlmClient.Builder client(dev.llmops.api.spi.ChatModel model) {
    return LlmClient.builder()
        .clock(clock)
        .scheduler(scheduler)
        .model("fake", model)
        .prompts(prompts())
        .listener(new CallListener() {
          @Override
          public void callEnd(CallInfo call, ChatResponse response) {
            Fingerprint f = call.attributes().getOrNull(Fingerprint.KEY);
            if (f != null) {
              fingerprints.add(f);
            }
          }
        });
  }

  /** A fake that answers "Paris" to questions about France under prompt v2 and "I think Lyon" otherwise. */
  public FakeChatModel capitals(Duration latency) {
    FakeChatModel fake = FakeChatModel.builder().latency(latency).scheduler(scheduler).recordRequests(true).build();
    fake.when(r -> r.messages().get(0).content().contains("capital")).reply("Paris is the capital.");
    fake.when(r -> true).reply("I think Lyon.");
    return fake;
  }

  /** {@code n} cases "q-0".. asking for the capital of France, reference "Paris", tags alternating. */
  public static Dataset questions(int n) {
    List<EvalCase> cases = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      cases.add(EvalCase.builder("q-" + i)
          .variable("question", "What is the capital of France? (" + i + ")")
          .reference("Paris")
          .tags(i % 2 == 0 ? "even" : "odd")
          .build());
    }
    return Dataset.of("capitals", cases);
  }

  /** {@code n} cases "m-0".. with a user message and no variables, for plain model candidates. */
  public static Dataset messages(int n) {
    List<EvalCase> cases = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      cases.add(EvalCase.builder("m-" + i).message(dev.llmops.api.Message.user("Say hello " + i)).build());
    }
    return Dataset.of("greetings", cases);
  }

  /** Advances the clock in steps of {@code step} until {@code f} is done (at most {@code max} steps). */
  public <T> T await(CompletableFuture<T> f, Duration step, int max) {
    for (int i = 0; i < max && !f.isDone(); i++) {
      clock.advance(step);
    }
    if (!f.isDone()) {
      throw new AssertionError("not done after " + max + " steps of " + step);
    }
    return f.join();
  }
}
