/**
 * One configuration for every capability: {@link dev.llmops.core.config.LlmOpsConfig} reads a YAML
 * or JSON file and, with the {@link dev.llmops.core.config.ConfigBindings} that supply what a file
 * cannot (models given in code, the environment secrets come from, the clock, sinks), produces a
 * pre-configured {@link dev.llmops.core.LlmClient.Builder}. The format is in {@code
 * docs/configuration.md}.
 */
@NullMarked
package dev.llmops.core.config;

import org.jspecify.annotations.NullMarked;
