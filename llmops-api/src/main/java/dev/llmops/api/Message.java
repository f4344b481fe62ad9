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
 * @param toolError for a {@link Role#TOOL} message, whether the tool failed and {@code content} is
 *     the error (sent to Anthropic as {@code is_error}; OpenAI has no flag and reads the text)
 */
public record Message(
    Role role, String content, List<ToolCall> toolCalls, @Nullable String toolCallId, boolean toolError) {

  /**
   * Checks the components and copies the list.
   *
   * @throws IllegalArgumentException if a TOOL message has no toolCallId, or another role is marked
   *     as a tool error
   */
  public Message {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
    toolCalls = List.copyOf(toolCalls);
    if (role == Role.TOOL && toolCallId == null) {
      throw new IllegalArgumentException("a TOOL message needs the toolCallId it answers");
    }
    if (toolError && role != Role.TOOL) {
      throw new IllegalArgumentException("only a TOOL message can be a tool error, not " + role);
    }
  }

  /** A message that is not a tool error. */
  public Message(Role role, String content, List<ToolCall> toolCalls, @Nullable String toolCallId) {
    this(role, content, toolCalls, toolCallId, false);
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

  /** A {@link Role#TOOL} message saying the tool call {@code toolCallId} failed, and how. */
  public static Message toolError(String toolCallId, String content) {
    return new Message(Role.TOOL, content, List.of(), toolCallId, true);
  }
}
