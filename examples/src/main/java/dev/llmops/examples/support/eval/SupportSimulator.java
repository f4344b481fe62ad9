package dev.llmops.examples.support.eval;

import dev.llmops.api.ChatRequest;
import dev.llmops.eval.evaluator.TextMetrics;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.FakeReply;
import dev.llmops.testkit.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fake models that behave like the real ones would for the support prompts, so that an offline
 * evaluation shows what a prompt change does. The support model answers from a small knowledge
 * base and follows its system prompt: the production prompt (v2) gets full answers for the
 * customer's plan and never repeats personal data; the terse candidate (v3) gets one short
 * sentence, knows no plan, and echoes a customer's contact details. The judge model grades by the
 * answer's ROUGE-L against the reference. Latency (250 ms plus 10 ms a word) runs on the scheduler.
 */
final class SupportSimulator {
  private static final Pattern PLAN = Pattern.compile("on the (\\w+) plan");
  private static final Pattern CONTACT = Pattern.compile("[\\w.]+@[\\w.]+\\.\\w+|\\d{3}-\\d{3}-\\d{4}");
  private static final Map<String, String> LIMITS = Map.of("Free", "60", "Pro", "600", "Team", "1,200");
  private static final Map<String, String> SEATS = Map.of("Pro", "3", "Team", "10");
  static final String REFUSAL = "I'm sorry, but I can't help with that here; a colleague will follow up.";

  /** A topic: how to recognise it, the full answer, the one-sentence answer. */
  private record Topic(String name, List<String> keywords, String full, String terse) {}

  // Checked in order; the first topic with a keyword in the question wins (as a weak model would).
  private static final List<Topic> TOPICS = List.of(
      new Topic("security", List.of("suspicious", "phishing"),
          "We never ask for your password by e-mail or chat. Please do not click its links, and forward the message to our security team from the Help menu.",
          "Please ignore that message."),
      new Topic("account-deletion", List.of("delete my account", "close my account"),
          "Deleting your account is permanent. Your data is erased within 30 days.",
          "You can delete your account under Settings > Privacy."),
      new Topic("two-factor", List.of("two-factor", "2fa"),
          "Turn on two-factor authentication under Settings > Security. Use an authenticator app to scan the QR code.",
          "Turn on two-factor authentication under Settings > Security with an authenticator app."),
      new Topic("password", List.of("password", "locked out", "log in"),
          "Use \"Forgot password\" on the sign-in page to get a reset link. The link expires after one hour.",
          "Use \"Forgot password\" on the sign-in page; the link expires after one hour."),
      new Topic("refund", List.of("refund", "money back"),
          "Refunds are issued within 14 days of approval. The money goes back to the original payment method.",
          "Refunds go back to the original payment method within 14 days."),
      new Topic("shipping", List.of("shipping", "shipped", "delivery", "package", "arrive"),
          "Standard shipping takes 3 to 5 business days. You will get a tracking link by e-mail when it ships.",
          "Shipping takes 3 to 5 business days and you get a tracking link."),
      new Topic("cancel", List.of("cancel"),
          "You can cancel anytime under Settings > Billing. You keep access until the end of the billing period.",
          "Cancel anytime under Settings > Billing; access lasts until the end of the billing period."),
      new Topic("invoice", List.of("invoice", "receipt", "bill "),
          "Invoices are under Settings > Billing > Invoices. Each one can be downloaded as a PDF.",
          "Download your invoices as PDF files under Settings > Billing > Invoices."),
      new Topic("upgrade", List.of("upgrade"),
          "You can upgrade under Settings > Billing. The price difference is prorated for the current period.",
          "Upgrade under Settings > Billing; the difference is prorated."),
      new Topic("export", List.of("export"),
          "Export your data under Settings > Privacy. You get a ZIP of CSV files within an hour.",
          "Export your data as CSV files under Settings > Privacy."),
      new Topic("api-limits", List.of("rate limit", "api limit", "requests per minute"),
          "The API allows %LIMIT% requests per minute on the %PLAN% plan.",
          "API limits depend on your plan."),
      new Topic("seats", List.of("seats", "teammates", "add users"),
          "The %PLAN% plan includes %SEATS% seats. Extra seats cost 8 USD per month each.",
          "The number of seats depends on your plan."));

  private SupportSimulator() {}

  /** The support model: an OpenAI-priced fake that follows the support-reply prompts. */
  static FakeChatModel supportModel(ManualScheduler scheduler) {
    FakeChatModel model = FakeChatModel.builder()
        .provider("openai").modelId("gpt-4o").scheduler(scheduler).recordRequests(false).build();
    model.when(r -> true).answer(r -> timed(answer(r)));
    return model;
  }

  /** The judge model: an OpenAI-priced fake that grades by ROUGE-L, replying with the rubric's JSON. */
  static FakeChatModel judgeModel(ManualScheduler scheduler) {
    FakeChatModel model = FakeChatModel.builder()
        .provider("openai").modelId("gpt-4o-mini").scheduler(scheduler).recordRequests(false).build();
    model.when(r -> true).answer(r -> timed(judge(r)));
    return model;
  }

  private static FakeReply timed(String text) {
    int words = text.split(" ", -1).length;
    return FakeReply.text(text).after(Duration.ofMillis(250 + 10L * words));
  }

  static String answer(ChatRequest request) {
    String system = request.messages().get(0).content();
    String question = request.lastUserMessage();
    boolean full = system.contains("at most five sentences");
    String q = question.toLowerCase(Locale.ROOT);
    Topic topic = null;
    for (Topic t : TOPICS) {
      if (t.keywords().stream().anyMatch(q::contains)) {
        topic = t;
        break;
      }
    }
    if (topic == null) {
      return REFUSAL;
    }
    if (full) {
      Matcher plan = PLAN.matcher(system);
      String p = plan.find() ? plan.group(1) : "Pro";
      String text = topic.full().replace("%PLAN%", p).replace("%LIMIT%", LIMITS.getOrDefault(p, "60"))
          .replace("%SEATS%", SEATS.getOrDefault(p, "1"));
      return "Thanks for reaching out. " + text;
    }
    String text = topic.terse();
    Matcher contact = CONTACT.matcher(question);
    if (!system.contains("never repeat personal data") && contact.find()) {
      text += " We will get back to you at " + contact.group() + ".";
    }
    return text;
  }

  static String judge(ChatRequest request) {
    String prompt = request.lastUserMessage();
    String reference = line(prompt, "Reference answer: ");
    String answer = line(prompt, "Answer to grade: ");
    double rouge = TextMetrics.rougeL(answer, reference);
    long score = Math.max(1, Math.min(5, Math.round(1 + 4 * rouge / 0.7)));
    String reason = score >= 4 ? "states the reference's facts" : score == 3 ? "states the main fact only"
        : "misses the reference's facts";
    return "{\"score\": " + score + ", \"reason\": \"" + reason + "\"}";
  }

  private static String line(String text, String prefix) {
    for (String l : text.split("\n", -1)) {
      if (l.startsWith(prefix)) {
        return l.substring(prefix.length());
      }
    }
    return "";
  }
}
