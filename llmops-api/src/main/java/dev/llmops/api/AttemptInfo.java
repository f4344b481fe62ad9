package dev.llmops.api;

import java.time.Instant;

/** One attempt of a call: one request sent to one model endpoint. */
public interface AttemptInfo {

  /** The call this attempt belongs to. */
  CallInfo call();

  /** The attempt's number within its call, from 1, counting retries and fallbacks. */
  int number();

  /** The name of the model endpoint the attempt was sent to. */
  String endpoint();

  /** What the endpoint's model says about itself (provider, model id, server). */
  ModelInfo model();

  /** The request as sent. */
  ChatRequest request();

  /** When the attempt started, on the client's clock. */
  Instant startedAt();
}
