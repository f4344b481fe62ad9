/**
 * Agent runs: {@link dev.llmops.agent.Agent} runs a loop of model calls (each an ordinary llmops
 * call) and {@link dev.llmops.agent.Tool} executions within {@link dev.llmops.agent.RunLimits},
 * checkpointing a {@link dev.llmops.agent.RunState} after each step through a {@link
 * dev.llmops.agent.RunStore}.
 */
@NullMarked
package dev.llmops.agent;

import org.jspecify.annotations.NullMarked;
