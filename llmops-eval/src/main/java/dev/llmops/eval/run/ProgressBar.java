package dev.llmops.eval.run;

import dev.llmops.api.Money;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The console progress of a run: done/total, percent, ETA and spend. On a terminal one line is
 * redrawn in place (carriage return, no ANSI escape codes), at most once per 0.1 %; elsewhere (a CI
 * log, a file) a plain line is printed at each 10 % and at the end. Thread-safe.
 */
final class ProgressBar {
  private static final int WIDTH = 24;

  private final PrintStream out;
  private final boolean terminal;
  private final String label;
  private final int total;
  private int lastBucket = -1;

  ProgressBar(PrintStream out, boolean terminal, String label, int total) {
    this.out = out;
    this.terminal = terminal;
    this.label = label;
    this.total = total;
  }

  /**
   * Reports progress.
   *
   * @param done case repeats finished, resumed ones included
   * @param doneThisRun case repeats finished by this run
   * @param elapsed time since this run started
   * @param spentNanos what this run has spent, in nano-dollars
   */
  synchronized void update(int done, int doneThisRun, Duration elapsed, long spentNanos) {
    int step = total == 0 ? 1000 : (int) ((long) Math.min(done, total) * 1000 / total);
    int bucket = terminal ? step : step / 100;
    if (bucket == lastBucket) {
      return;
    }
    lastBucket = bucket;
    boolean last = done >= total;
    String line = line(done, doneThisRun, elapsed, spentNanos);
    if (terminal) {
      out.print("\r" + line + (last ? "\n" : ""));
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Ends the progress line early (a run stopped by its budget). */
  synchronized void stop(String why) {
    out.print((terminal ? "\n" : "") + label + ": " + why + "\n");
    out.flush();
  }

  String line(int done, int doneThisRun, Duration elapsed, long spentNanos) {
    int filled = total == 0 ? WIDTH : (int) ((long) done * WIDTH / total);
    String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
    int percent = total == 0 ? 100 : (int) ((long) done * 100 / total);
    return String.format(Locale.ROOT, "%s [%s] %d/%d %3d%% | ETA %s | spent %s", label, bar, done, total, percent,
        eta(done, doneThisRun, elapsed), Money.ofNanos(spentNanos));
  }

  private String eta(int done, int doneThisRun, Duration elapsed) {
    if (done >= total) {
      return "done in " + clock(elapsed);
    }
    if (doneThisRun == 0) {
      return "--:--";
    }
    long remaining = (long) total - done;
    return clock(elapsed.multipliedBy(remaining).dividedBy(doneThisRun));
  }

  private static String clock(Duration d) {
    long s = d.toSeconds();
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
