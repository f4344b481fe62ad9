package dev.llmops.examples.support;

import dev.llmops.api.BudgetExceededException;
import dev.llmops.api.CallContext;
import dev.llmops.api.Completion;
import dev.llmops.core.LlmClient;
import dev.llmops.core.redaction.RedactingLogger;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * A small support service: answers tickets with the {@code support-reply} prompt through an
 * {@link LlmClient} that carries every capability (see {@link SupportDemo#newClient}). What the
 * service itself does is what an application does: fill the prompt's variables, say who the call
 * is for, and turn the typed failures into something a customer can read. Thread-safe.
 */
public final class SupportAssistant {
  private static final RedactingLogger LOG = RedactingLogger.of(SupportAssistant.class);

  private final LlmClient client;
  private final String company;

  private SupportAssistant(LlmClient client, String company) {
    this.client = client;
    this.company = company;
  }

  /** A support assistant for {@code company} over {@code client}. */
  public static SupportAssistant create(LlmClient client, String company) {
    return new SupportAssistant(Objects.requireNonNull(client, "client"), Objects.requireNonNull(company, "company"));
  }

  /** Answers a ticket, waiting for the answer. */
  public Reply answer(Ticket ticket) {
    return answerAsync(ticket).join();
  }

  /** Answers a ticket without waiting; the future never fails, failures become a {@link Reply}. */
  public CompletableFuture<Reply> answerAsync(Ticket ticket) {
    // The question may hold an e-mail address or a card number: the logger redacts it.
    LOG.debug("ticket from {} at {}: {}", ticket.user(), ticket.tenant(), ticket.question());
    return client.prompt("support-reply")
        .variables(Map.of(
            "company", company,
            "plan", ticket.plan(),
            "tone", "friendly and precise",
            "question", ticket.question()))
        .context(CallContext.ofTenant(ticket.tenant()).withSubject(ticket.user()).withFeature("support"))
        .callAsync()
        .handle((completion, error) -> reply(ticket, completion, error));
  }

  private static Reply reply(Ticket ticket, @Nullable Completion completion, @Nullable Throwable error) {
    if (error == null && completion != null) {
      return new Reply(ticket, Reply.Outcome.ANSWERED, completion.text(), completion, null);
    }
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof BudgetExceededException budget) {
      LOG.info("tenant {} is over budget ({}); ticket handed to a human", ticket.tenant(), budget.limit());
      return new Reply(ticket, Reply.Outcome.OVER_BUDGET,
          "Thanks! A colleague will answer you shortly.", null, cause.getClass().getSimpleName());
    }
    String type = cause == null ? "unknown" : cause.getClass().getSimpleName();
    LOG.warn("no model could answer a ticket of {} ({}); handed to a human", ticket.tenant(), type);
    return new Reply(ticket, Reply.Outcome.FAILED, "Sorry, we could not answer right now; a colleague will.", null, type);
  }
}
