/**
 * Running a candidate over a dataset: bounded concurrency on the client's asynchronous API, a hard
 * budget for the whole run, repeat-N with seeds, results streamed to a file that an interrupted run
 * resumes from, and a console progress bar with ETA and spend.
 */
@NullMarked
package dev.llmops.eval.run;

import org.jspecify.annotations.NullMarked;
