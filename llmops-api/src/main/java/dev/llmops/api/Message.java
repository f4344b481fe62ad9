package dev.llmops.api;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One chat message. Immutable and thread-safe.
 *
 * @param role who wrote it
 * @param content its text; empty for an assistant message that only calls tools
 * @param toolCalls the tool calls of an assistant message; empty otherwise
 * @param toolCallId for a {@link Role#TOOL} message, the id of the call it answers; else null
 */
public record Message(Role role, String content, List<ToolCall> toolCalls, @Nullable String toolCallId) {

  /** Checks the components and copies the list. */
  public Message {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
    toolCalls = List.copyOf(toolCalls);
    if (role == Role.TOOL && toolCallId == null) {
      throw new IllegalArgumentException("a TOOL message needs the toolCallId it answers");
    }
  }

  /** A message with text only. */
  public static Message of(Role role, String content) {
    return new Message(role, content, List.of(), null);
  }

  /** A {@link Role#SYSTEM} message. */
  public static Message system(String content) {
    return of(Role.SYSTEM, content);
  }

  /** A {@link Role#USER} message. */
  public static Message user(String content) {
    return of(Role.USER, content);
  }

  /** An {@link Role#ASSISTANT} message. */
  public static Message assistant(String content) {
    return of(Role.ASSISTANT, content);
  }

  /** A {@link Role#TOOL} message answering the tool call {@code toolCallId}. */
  public static Message tool(String toolCallId, String content) {
    return new Message(Role.TOOL, content, List.of(), toolCallId);
  }
}
