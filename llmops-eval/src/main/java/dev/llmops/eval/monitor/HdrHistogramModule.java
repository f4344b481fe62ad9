package dev.llmops.eval.monitor;

/**
 * Makes this module read HdrHistogram's. HdrHistogram's jar names no module, so {@code
 * dev.llmops.eval} does not require it: were it required, Maven would put it on every consumer's
 * module path as a module named from its file name, and warn the consumer not to publish. It stays
 * on the class path (or is an automatic module added with {@code --add-modules HdrHistogram}); this
 * class finds it by name and adds the read edge before any HdrHistogram type is resolved. It names
 * no HdrHistogram type.
 */
final class HdrHistogramModule {
  /** A class every HdrHistogram jar has. */
  static final String PROBE_CLASS = "org.HdrHistogram.Histogram";

  private HdrHistogramModule() {}

  /**
   * Adds the read edge (a no-op when this module is itself on the class path).
   *
   * @throws IllegalStateException when HdrHistogram is not loadable
   */
  static void read() {
    try {
      Class<?> probe = Class.forName(PROBE_CLASS, false, HdrHistogramModule.class.getClassLoader());
      HdrHistogramModule.class.getModule().addReads(probe.getModule());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("DriftMonitor needs HdrHistogram (org.hdrhistogram:HdrHistogram) on the"
          + " class path: " + PROBE_CLASS + " is not loadable", e);
    }
  }
}
