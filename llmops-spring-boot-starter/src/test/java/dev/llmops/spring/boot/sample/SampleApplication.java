package dev.llmops.spring.boot.sample;

import dev.llmops.api.CallContext;
import dev.llmops.api.ChatRequest;
import dev.llmops.core.LlmClient;
import dev.llmops.testkit.FakeChatModel;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Service;

/**
 * A sample Spring Boot application: {@code sample.yml} configures llmops under {@code llmops:} with
 * one {@code supplied} model, which this application supplies as a testkit fake, so it runs offline.
 * In production the model would be {@code provider: openai} (or {@code anthropic}) with an {@code
 * apiKeyEnv}.
 */
@SpringBootApplication
public class SampleApplication {

  /**
   * The model named {@code assistant} in {@code sample.yml}.
   *
   * @return a fake answering every question the same way
   */
  @Bean
  FakeChatModel assistant() {
    return FakeChatModel.builder().modelId("gpt-4o").provider("openai").build()
        .when(r -> true).reply("Restart the router, then try again.");
  }

  /** The application's own service, using the auto-configured client. */
  @Service
  public static class SupportService {
    private final LlmClient llm;

    SupportService(LlmClient llm) {
      this.llm = llm;
    }

    /**
     * Answers a customer's question.
     *
     * @param tenant the customer
     * @param question the question
     * @return the answer
     */
    public String answer(String tenant, String question) {
      return llm.chat(ChatRequest.builder().system("You are a support assistant.").user(question).build(),
          CallContext.ofTenant(tenant).withFeature("support")).text();
    }
  }
}
