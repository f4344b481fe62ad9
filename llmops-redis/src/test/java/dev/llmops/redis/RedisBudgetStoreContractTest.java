package dev.llmops.redis;

import dev.llmops.core.budget.BudgetStore;
import dev.llmops.core.budget.BudgetStore.Balance;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The contract against the real Redis server. */
class RedisBudgetStoreContractTest extends BudgetStoreContract {
  private static RedisServer server;
  private final List<RedisBudgetStore> stores = new ArrayList<>();

  @BeforeAll
  static void connect() {
    server = RedisServer.connect("contract");
  }

  @AfterAll
  static void cleanUp() {
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void closeStores() {
    stores.forEach(RedisBudgetStore::close);
  }

  @Override
  BudgetStore store() {
    RedisBudgetStore s = RedisBudgetStore.builder()
        .connection(server.newConnection())
        .namespace(server.namespace + ":" + stores.size() + "-" + System.identityHashCode(this))
        .build();
    stores.add(s);
    return s;
  }

  @Override
  Balance balanceAfterWrites(BudgetStore store, String key) {
    // Settlements are sent without waiting, but on the store's one connection, which Redis answers
    // in order: a read sent after them sees them.
    return store.balance(key);
  }
}
