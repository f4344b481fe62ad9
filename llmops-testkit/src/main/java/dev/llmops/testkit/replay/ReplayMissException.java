package dev.llmops.testkit.replay;

import dev.llmops.api.LlmException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A replayed model was asked something its cassette never recorded: names the request's
 * fingerprint (the key recordings are matched by), the requested model and the cassette, so the
 * test that drifted from its recording is easy to find. Not retryable.
 */
public final class ReplayMissException extends LlmException {
  private static final long serialVersionUID = 1L;

  private final String requestFingerprint;
  private final transient Path cassette;

  ReplayMissException(String requestFingerprint, String model, String excerpt, Path cassette, int recorded) {
    super("replay miss: no recording of request " + requestFingerprint + " (model " + model + ", last user message '"
        + excerpt + "') in cassette " + cassette + ", which holds " + recorded
        + " request(s); record it again against the provider, or check what changed in the request",
        ErrorDetails.LOCAL, null);
    this.requestFingerprint = Objects.requireNonNull(requestFingerprint, "requestFingerprint");
    this.cassette = Objects.requireNonNull(cassette, "cassette");
  }

  /** The SHA-256 (hex) of the request's canonical form, as {@link Cassette#fingerprint} computes it. */
  public String requestFingerprint() {
    return requestFingerprint;
  }

  /** The cassette file. */
  public Path cassette() {
    return cassette;
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
