/**
 * Testing agent runs: {@link dev.llmops.testkit.agent.ScriptedAgent} scripts the model's tool calls
 * and answers step by step, {@link dev.llmops.testkit.agent.CrashingRunStore} cuts a run at a chosen
 * checkpoint as a crash would, and {@link dev.llmops.testkit.agent.RunStoreContract} is the contract
 * every {@code RunStore} passes. Needs {@code llmops-agent} on the class path.
 */
@NullMarked
package dev.llmops.testkit.agent;

import org.jspecify.annotations.NullMarked;
