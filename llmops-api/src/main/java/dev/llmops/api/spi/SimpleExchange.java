package dev.llmops.api.spi;

import dev.llmops.api.ChatChunk;
import dev.llmops.api.StreamHandler;

/** The exchanges behind {@link ModelExchange#unary()} and {@link ModelExchange#streaming}. */
final class SimpleExchange implements ModelExchange {
  static final SimpleExchange UNARY = new SimpleExchange(false, StreamHandler.IGNORE);

  private final boolean streaming;
  private final StreamHandler handler;

  SimpleExchange(boolean streaming, StreamHandler handler) {
    this.streaming = streaming;
    this.handler = handler;
  }

  @Override
  public boolean streaming() {
    return streaming;
  }

  @Override
  public void emit(ChatChunk chunk) {
    handler.onChunk(chunk);
  }

  @Override
  public void onCancel(Runnable action) {
    // never cancelled
  }

  @Override
  public boolean cancelled() {
    return false;
  }
}
