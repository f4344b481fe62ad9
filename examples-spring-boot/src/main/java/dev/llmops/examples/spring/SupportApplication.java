package dev.llmops.examples.spring;

import dev.llmops.api.CallContext;
import dev.llmops.api.Completion;
import dev.llmops.core.LlmClient;
import dev.llmops.testkit.FakeChatModel;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A sample Spring Boot web application on {@code llmops-spring-boot-starter}: {@code
 * application.yml} configures llmops under {@code llmops:} (two models, a prompt with labels, a
 * canary experiment, a tenant budget, retries and a circuit breaker), and the starter makes the
 * {@link LlmClient} the controller uses, Micrometer metrics, a health indicator and the {@code
 * llmops} actuator endpoint. The two models are {@code supplied}: this application supplies them
 * as testkit fakes, so it runs offline.
 *
 * <pre>
 * ./mvnw -q -pl examples-spring-boot -am -Prun -DskipTests package
 * curl -H 'X-Tenant: acme' 'localhost:8080/answer?user=u-1&amp;question=My+internet+is+down'
 * curl 'localhost:8080/actuator/llmops?tenant=acme'
 * </pre>
 */
@SpringBootApplication
public class SupportApplication {

  /**
   * Starts the application.
   *
   * @param args Spring Boot's command-line arguments ({@code --server.port=9090})
   */
  public static void main(String[] args) {
    SpringApplication.run(SupportApplication.class, args);
  }

  /**
   * The model named {@code assistant} in {@code application.yml}.
   *
   * @return a fake that answers as gpt-4o would be priced
   */
  @Bean
  FakeChatModel assistant() {
    return FakeChatModel.builder().modelId("gpt-4o").provider("openai").build()
        .when(r -> true).reply("Restart the router, then try again.");
  }

  /**
   * The model named {@code assistant-mini}: the experiment's canary and the fallback.
   *
   * @return a fake that answers as gpt-4o-mini would be priced
   */
  @Bean(name = "assistant-mini")
  FakeChatModel assistantMini() {
    return FakeChatModel.builder().modelId("gpt-4o-mini").provider("openai").build()
        .when(r -> true).reply("Restart the router, then try again.");
  }

  /**
   * What {@code GET /answer} returns.
   *
   * @param text the answer
   * @param model the model that answered
   */
  public record Answer(String text, String model) {}

  // sample-start controller
  /** The application's own endpoint, answering through the auto-configured client. */
  @RestController
  static class SupportController {
    private final LlmClient llm;

    SupportController(LlmClient llm) {
      this.llm = llm;
    }

    /**
     * Answers a customer's question with the {@code support-reply} prompt.
     *
     * @param tenant the customer, whose budget pays
     * @param user the user asking, who the experiment assigns
     * @param question the question
     * @return the answer
     */
    @GetMapping("/answer")
    Answer answer(@RequestHeader("X-Tenant") String tenant, @RequestParam("user") String user,
        @RequestParam("question") String question) {
      Completion c = llm.prompt("support-reply")
          .variable("question", question)
          .context(CallContext.ofTenant(tenant).withSubject(user).withFeature("support"))
          .call();
      return new Answer(c.text(), c.response().model());
    }
  }
  // sample-end controller
}
