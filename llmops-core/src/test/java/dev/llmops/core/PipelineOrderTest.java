package dev.llmops.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.Interceptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineOrderTest {

  @Test
  void interceptorsRunInTheFixedStepOrderWhateverTheOrderTheyWereAddedIn() {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    LlmClient.Builder b = LlmClient.builder().model("m", Models.echo("ok"));
    List<PipelineStep> reversed = new ArrayList<>(List.of(PipelineStep.values()));
    Collections.reverse(reversed);
    for (PipelineStep step : reversed) {
      b.step(step, recording(step.name(), seen));
    }
    b.step(PipelineStep.PROMPT, recording("PROMPT-2", seen));
    try (LlmClient client = b.build()) {
      client.chat(ChatRequest.of("hi"));
      assertThat(client.steps()).containsExactly(PipelineStep.values());
    }
    List<String> expected = new ArrayList<>();
    for (PipelineStep step : PipelineStep.values()) {
      expected.add(">" + step.name());
      if (step == PipelineStep.PROMPT) {
        expected.add(">PROMPT-2");
      }
    }
    List<String> unwinding = new ArrayList<>(expected);
    Collections.reverse(unwinding);
    unwinding.replaceAll(s -> "<" + s.substring(1));
    expected.addAll(unwinding);
    assertThat(seen).containsExactlyElementsOf(expected);
  }

  @Test
  void applicationAndAttemptInterceptorsSitInTheirSteps() {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    try (LlmClient client = LlmClient.builder()
        .model("m", Models.echo("ok"))
        .attemptInterceptor(recording("attempt", seen))
        .step(PipelineStep.RESILIENCE, recording("resilience", seen))
        .interceptor(recording("app", seen))
        .step(PipelineStep.EXPERIMENT, recording("experiment", seen))
        .build()) {
      client.chat(ChatRequest.of("hi"));
    }
    assertThat(seen).containsExactly(
        ">app", ">experiment", ">resilience", ">attempt", "<attempt", "<resilience", "<experiment", "<app");
  }

  @Test
  void anInterceptorCanRewriteTheRequestAndTheResponse() {
    Interceptor rewrite = chain -> chain.proceed(chain.request().withModel("b"))
        .thenApply(r -> r.withUsage(dev.llmops.api.Usage.of(10, 20)));
    try (LlmClient client = LlmClient.builder()
        .model("a", Models.echo("from a"))
        .model("b", Models.echo("from b"))
        .interceptor(rewrite)
        .build()) {
      var c = client.chat(ChatRequest.of("hi"));
      assertThat(c.text()).isEqualTo("from b");
      assertThat(c.endpoint()).isEqualTo("b");
      assertThat(c.usage().totalTokens()).isEqualTo(30);
    }
  }

  private static Interceptor recording(String name, List<String> seen) {
    return chain -> {
      seen.add(">" + name);
      return chain.proceed(chain.request()).whenComplete((r, e) -> seen.add("<" + name));
    };
  }
}
