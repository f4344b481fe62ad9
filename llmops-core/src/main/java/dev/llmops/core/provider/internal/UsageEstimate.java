package dev.llmops.core.provider.internal;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.Message;
import dev.llmops.api.Usage;

/**
 * The usage to record when a provider reported none (a compatible server that ignores {@code
 * stream_options.include_usage}): one token per four characters, rounded up, marked {@link
 * Usage#estimated()}. Stateless.
 */
public final class UsageEstimate {
  private UsageEstimate() {}

  /** An estimate for {@code request} answered with {@code output}. */
  public static Usage of(ChatRequest request, String output) {
    long input = 0;
    for (Message m : request.messages()) {
      input += tokens(m.content());
    }
    return new Usage(input, tokens(output), 0, 0, 0, true);
  }

  private static long tokens(String text) {
    return (text.length() + 3L) / 4;
  }
}
