package dev.llmops.testkit.agent;

import dev.llmops.agent.RunStore;

/** The in-memory store keeps the {@link RunStoreContract}. */
class InMemoryRunStoreTest extends RunStoreContract {
  private final RunStore store = RunStore.inMemory();

  @Override
  protected RunStore store() {
    return store;
  }
}
