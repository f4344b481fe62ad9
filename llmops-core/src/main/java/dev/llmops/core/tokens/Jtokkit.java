package dev.llmops.core.tokens;

/**
 * Whether JTokkit, the exact tokenizer, can be used. JTokkit's jar names no module, so {@code
 * dev.llmops.core} does not require it: were it required (even {@code static}), Maven would put it
 * on every consumer's module path as a module named from its file name, and warn the consumer not to
 * publish. It stays on the class path. This class looks JTokkit up once, by name, and makes this
 * module read whichever module holds it: the class path's unnamed module, or an automatic module
 * resolved with {@code --add-modules jtokkit}. It names no JTokkit type, so it loads when JTokkit
 * is absent.
 */
final class Jtokkit {
  /** The class whose presence means JTokkit is usable. */
  static final String PROBE_CLASS = "com.knuddels.jtokkit.Encodings";

  private static final boolean AVAILABLE = probe();

  private Jtokkit() {}

  /** True when JTokkit is loadable from this module (and this module now reads it). */
  static boolean available() {
    return AVAILABLE;
  }

  /**
   * Fails with the way to add JTokkit when it is absent.
   *
   * @param encoding the exact encoding that was asked for, for the message
   * @throws IllegalStateException when JTokkit cannot be loaded
   */
  static void require(String encoding) {
    if (!AVAILABLE) {
      throw new IllegalStateException("the exact " + encoding + " token counter needs JTokkit"
          + " (com.knuddels:jtokkit), which is not loadable: put its jar on the class path, or on"
          + " the module path with --add-modules jtokkit; TokenCounter.forModel falls back to the"
          + " estimate without it");
    }
  }

  private static boolean probe() {
    Module self = Jtokkit.class.getModule();
    try {
      Class<?> probe = Class.forName(PROBE_CLASS, false, Jtokkit.class.getClassLoader());
      // A named module reads only what it requires: add the edge before any JTokkit type is
      // resolved (a no-op when this module is itself on the class path).
      self.addReads(probe.getModule());
      return true;
    } catch (ClassNotFoundException | LinkageError absent) {
      return false;
    }
  }
}
