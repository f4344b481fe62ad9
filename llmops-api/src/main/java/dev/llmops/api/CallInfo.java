package dev.llmops.api;

import java.time.Instant;

/**
 * One call through the client, as listeners and interceptors see it. The attributes are mutable
 * and thread-safe; everything else is fixed when the call starts.
 */
public interface CallInfo {

  /** A unique id of this call within the process. */
  String callId();

  /** How the application made the call. */
  CallMode mode();

  /** Who the call is made for. */
  CallContext context();

  /** The request as the application made it, before any step changed it. */
  ChatRequest originalRequest();

  /** When the call started, on the client's clock. */
  Instant startedAt();

  /** Attributes recorded by pipeline steps. */
  CallAttributes attributes();

  /** True once the application cancelled the call. */
  boolean cancelled();
}
