package dev.llmops.eval.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a golden dataset as a test: the method is a JUnit 5 test that receives a {@link GoldenRun}
 * (the dataset loaded, the gate set up) and calls {@link GoldenRun#check} with its runner and
 * candidate. The test fails with a {@link RegressionError} listing the regressed cases when the
 * verdict against the baseline is a regression, the run is incomplete, or there is no baseline
 * yet; the Markdown and HTML reports are written either way.
 *
 * <pre>{@code
 * @GoldenDataset(value = "support/golden-tickets.yaml", baseline = "src/test/resources/support/baseline.json")
 * void supportReplyHoldsTheBaseline(GoldenRun golden) {
 *   golden.check(runner, Candidate.prompt("support-reply").withLabel("candidate"));
 * }
 * }</pre>
 *
 * Run once with {@code -Dllmops.eval.updateBaseline=true} to write the baseline file, then commit
 * it.
 */
@SuppressWarnings("exports") // JUnit is optional for llmops-eval: a test that uses this annotation has it
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Test
@ExtendWith(GoldenDatasetExtension.class)
public @interface GoldenDataset {
  /** The dataset: a class-path resource, or a file when prefixed with {@code file:}. */
  String value();

  /** The baseline file, relative to the working directory (the module's folder under Maven). */
  String baseline();

  /** The largest pass-rate drop tolerated, in percentage points. */
  double maxPassRateDrop() default 2.0;

  /** The significance level of the exact McNemar test. */
  double alpha() default 0.05;

  /** Tags of cases that must never newly fail. */
  String[] criticalTags() default {"critical"};

  /** Where the reports go, relative to the working directory. */
  String reports() default "target/llmops-eval";
}
