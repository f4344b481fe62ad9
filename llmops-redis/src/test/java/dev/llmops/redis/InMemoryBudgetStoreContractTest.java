package dev.llmops.redis;

import dev.llmops.core.budget.BudgetStore;
import dev.llmops.core.budget.BudgetStore.Balance;

/** The contract, in memory: the reference the Redis store is held to. */
class InMemoryBudgetStoreContractTest extends BudgetStoreContract {

  @Override
  BudgetStore store() {
    return BudgetStore.inMemory();
  }

  @Override
  Balance balanceAfterWrites(BudgetStore store, String key) {
    return store.balance(key);
  }
}
