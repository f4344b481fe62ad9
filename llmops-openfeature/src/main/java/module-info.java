/**
 * An OpenFeature bridge for llmops experiments: {@link dev.llmops.openfeature.OpenFeatureVariantSource}.
 */
module dev.llmops.openfeature {
  requires transitive dev.llmops.core;
  requires transitive dev.openfeature.sdk;
  requires static com.github.spotbugs.annotations;
  requires static transitive org.jspecify;

  exports dev.llmops.openfeature;
}
