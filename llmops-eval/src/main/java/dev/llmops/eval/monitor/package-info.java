/**
 * Monitors of production calls, each a {@link dev.llmops.api.CallListener} added with {@code
 * LlmClient.Builder.listener(...)}: sampled online evaluation and user feedback ({@link
 * OnlineEvaluation}), distribution drift ({@link DriftMonitor}, pooled across replicas through a
 * {@link DriftStore}), silent model changes behind an
 * alias ({@link ModelChangeDetector}), and the guarded rollout controller that advances, holds or
 * rolls back a canary or a prompt label ({@link GuardedRollout}), alone or shared by replicas
 * through a {@link RolloutStore}; plus Prometheus alerting rules for SLOs ({@link
 * SloRules}). See {@code docs/monitoring.md} and {@code docs/runbooks.md}.
 */
@NullMarked
package dev.llmops.eval.monitor;

import org.jspecify.annotations.NullMarked;
