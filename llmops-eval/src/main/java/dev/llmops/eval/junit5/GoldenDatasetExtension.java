package dev.llmops.eval.junit5;

import dev.llmops.eval.compare.GatePolicy;
import dev.llmops.eval.dataset.Dataset;
import dev.llmops.eval.gate.QualityGate;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Resolves the {@link GoldenRun} of a {@link GoldenDataset} test (loading the dataset, setting up
 * the gate from the annotation) and, after the test, fails it if it never ran the dataset. State is
 * kept in the extension context's store, namespaced to this class. Registered by {@link
 * GoldenDataset}; public only because the annotation names it.
 */
@SuppressWarnings("exports") // JUnit is optional for llmops-eval: a test that uses this class has it
public final class GoldenDatasetExtension implements ParameterResolver, AfterTestExecutionCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(GoldenDatasetExtension.class);

  /** Created by JUnit. */
  public GoldenDatasetExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == GoldenRun.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getStore(NAMESPACE).getOrComputeIfAbsent("run", k -> create(context), GoldenRun.class);
  }

  private static GoldenRun create(ExtensionContext context) {
    Method method = context.getRequiredTestMethod();
    GoldenDataset a = AnnotationSupport.findAnnotation(method, GoldenDataset.class)
        .orElseThrow(() -> new IllegalStateException(method + " has no @GoldenDataset"));
    Dataset dataset = a.value().startsWith("file:")
        ? Dataset.load(Path.of(a.value().substring("file:".length())))
        : Dataset.fromClasspath(context.getRequiredTestClass().getClassLoader(), a.value());
    GatePolicy policy = GatePolicy.defaults()
        .withMaxPassRateDrop(a.maxPassRateDrop())
        .withAlpha(a.alpha())
        .withCriticalTags(Set.of(a.criticalTags()));
    String name = context.getRequiredTestClass().getSimpleName() + "-" + method.getName();
    QualityGate gate = QualityGate.builder(Path.of(a.baseline()))
        .policy(policy)
        .reports(Path.of(a.reports()), name)
        .build();
    return new GoldenRun(dataset, gate);
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    if (context.getExecutionException().isPresent()) {
      return;
    }
    GoldenRun run = context.getStore(NAMESPACE).get("run", GoldenRun.class);
    if (run == null || run.result() == null) {
      throw new AssertionError(context.getRequiredTestMethod().getName()
          + " is a @GoldenDataset test but never ran its dataset: take a GoldenRun parameter and call check(runner, candidate)");
    }
  }
}
