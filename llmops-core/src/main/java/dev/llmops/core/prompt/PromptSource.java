package dev.llmops.core.prompt;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link PromptRegistry} loads prompts from: files ({@link FilePromptSource}), memory
 * ({@link InMemoryPromptSource}), or a remote registry (a database, a prompt-management service)
 * that an application or integration implements.
 *
 * <p>The registry calls {@link #load} when a prompt is first asked for and again each time its
 * cached copy is older than the registry's time-to-live, from the registry's executor; it never
 * calls a source on the hot path of a call once the prompt is cached. Implementations must be
 * thread-safe.
 */
public interface PromptSource {

  /** A source that knows no prompt. */
  static PromptSource noop() {
    return name -> Optional.empty();
  }

  /**
   * Loads the current versions and labels of the prompt {@code name}.
   *
   * @return the prompt, or empty if the source has no prompt of that name
   * @throws dev.llmops.api.ConfigurationException if what the source holds is invalid (naming the
   *     file or key); the registry then keeps serving what it loaded before
   * @throws RuntimeException if the source cannot be reached; the registry then keeps serving what
   *     it loaded before, or the application's fallback prompt
   */
  Optional<PromptDefinition> load(String name);

  /**
   * Persists a label move: from now on {@code label} of prompt {@code name} points at {@code
   * version}, which the registry has checked exists. The default persists nothing.
   *
   * @return true if the source stored the move (later loads reflect it); false if it cannot, in
   *     which case the registry keeps the move in memory for the life of the process
   */
  default boolean moveLabel(String name, String label, int version) {
    return false;
  }

  /**
   * Persists a label move made by {@code actor}, if the label still points at {@code expected}
   * (what the registry read from this source just before): the form {@link PromptRegistry#promote}
   * and {@link PromptRegistry#rollback} call, so that a source shared by replicas can refuse a move
   * another replica overtook (compare-and-set) and audit who moved it. The default ignores {@code
   * expected} and {@code actor} and calls {@link #moveLabel(String, String, int)}.
   *
   * @param expected the version the label pointed at, or null if it did not exist
   * @return as {@link #moveLabel(String, String, int)}
   * @throws RuntimeException if the source refuses the move (for example because the label moved
   *     since it was read); the registry then changes nothing and the exception reaches the caller
   */
  default boolean moveLabel(String name, String label, @Nullable Integer expected, int version, String actor) {
    return moveLabel(name, label, version);
  }
}
