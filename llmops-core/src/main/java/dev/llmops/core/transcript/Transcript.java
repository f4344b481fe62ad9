package dev.llmops.core.transcript;

import dev.llmops.api.Message;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One stored call: its messages and answer, redacted. Immutable.
 *
 * @param callId the call's id
 * @param at when the call ended, on the store's clock
 * @param tenant the call's tenant, redacted, or null
 * @param subjectHash the pseudonym of the call's subject under the store's {@link SubjectKey}
 *     (HMAC-SHA256, hex), or null when it had none; the raw subject is never stored, yet {@link
 *     TranscriptStore#purgeSubject} finds it
 * @param endpoint the endpoint the request named, or null for the default
 * @param messages the request's messages, each content redacted
 * @param answer the answer's text, redacted, or null when the call failed
 * @param error the failure's class and redacted message, or null when the call succeeded
 */
public record Transcript(
    String callId,
    Instant at,
    @Nullable String tenant,
    @Nullable String subjectHash,
    @Nullable String endpoint,
    List<Message> messages,
    @Nullable String answer,
    @Nullable String error) {

  /** Checks the components and copies the list. */
  public Transcript {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(at, "at");
    messages = List.copyOf(messages);
  }

  /** An estimate of the memory this transcript holds, in bytes (two per character). */
  public long sizeBytes() {
    long chars = (long) callId.length() + length(tenant) + length(subjectHash) + length(endpoint) + length(answer) + length(error);
    for (Message m : messages) {
      chars += m.content().length();
    }
    return 64 + 2 * chars;
  }

  private static int length(@Nullable String s) {
    return s == null ? 0 : s.length();
  }
}
