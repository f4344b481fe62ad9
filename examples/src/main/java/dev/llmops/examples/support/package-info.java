/**
 * A support assistant service with every capability on: prompts from files, a canary experiment
 * with shadow traffic, a tenant budget, a fallback model, redacted logging and OpenTelemetry.
 */
@NullMarked
package dev.llmops.examples.support;

import org.jspecify.annotations.NullMarked;
