package dev.llmops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ConfigurationException;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.audit.AuditEvent;
import dev.llmops.core.prompt.PromptDefinition;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.prompt.PromptVersion;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcPromptStoreTest {
  @RegisterExtension static final TestDatabase db = TestDatabase.migrated();

  private final TestClock clock = TestClock.create();

  private JdbcPromptStore store() {
    return JdbcPromptStore.builder(db.dataSource()).schema(db.schema()).clock(clock).build();
  }

  private static PromptVersion version(String name, int n, String text) {
    return PromptVersion.builder(name, n).system("You help.").user(text + " {{question}}").model("smart")
        .parameters(GenerationParameters.builder().temperature(0.2).maxOutputTokens(300).stopSequences(List.of("END")).seed(7L).build())
        .metadata("owner", "support").build();
  }

  private List<AuditEvent> audit(String target) {
    return JdbcAuditLog.builder(db.dataSource()).schema(db.schema()).build()
        .events(target, Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), 100);
  }

  @Test
  void versionsRoundTripWithTheirContentHash() {
    JdbcPromptStore store = store();
    PromptVersion v1 = version("rt", 1, "Answer:");
    assertThat(store.add(v1)).isTrue();
    assertThat(store.add(v1)).as("the same content again: nothing to do").isFalse();
    assertThatThrownBy(() -> store.add(version("rt", 1, "Changed:"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("immutable");

    PromptDefinition d = store.load("rt").orElseThrow();
    assertThat(d.versions()).containsExactly(v1);
    assertThat(d.versions().get(0).contentHash()).isEqualTo(v1.contentHash());
    assertThat(store.load("absent")).isEmpty();
  }

  @Test
  void aPromotionOnOneReplicaIsResolvedByAnotherAfterItsRefreshAndAudited() {
    JdbcPromptStore a = store();
    a.add(version("greet", 1, "Hello"));
    a.add(version("greet", 2, "Hi"));
    a.moveLabel("greet", "production", null, 1, "setup");
    PromptRegistry replicaA = PromptRegistry.builder().source(a).clock(clock).timeToLive(Duration.ofMinutes(1)).build();
    PromptRegistry replicaB = PromptRegistry.builder().source(store()).clock(clock).timeToLive(Duration.ofMinutes(1)).build();
    assertThat(replicaB.resolve("greet", "production").version()).isEqualTo(1);

    replicaA.promote("greet", "production", 2, "alice");

    replicaB.refresh(); // what its time-to-live does on its own
    assertThat(replicaB.resolve("greet", "production").version()).isEqualTo(2);
    assertThat(audit("greet/production")).extracting(AuditEvent::before, AuditEvent::after)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(null, "1"), org.assertj.core.groups.Tuple.tuple("1", "2"));
  }

  @Test
  void aMoveThatLostTheRaceChangesNothingAndIsNotAudited() {
    JdbcPromptStore store = store();
    store.add(version("race", 1, "One"));
    store.add(version("race", 2, "Two"));
    store.add(version("race", 3, "Three"));
    assertThat(store.moveLabel("race", "production", null, 1, "setup")).isEqualTo(1);

    assertThat(store.moveLabel("race", "production", 1, 2, "alice")).isEqualTo(2);
    assertThatThrownBy(() -> store.moveLabel("race", "production", 1, 3, "bob"))
        .isInstanceOf(PromptLabelConflictException.class)
        .hasMessageContaining("points at version 2, not at the expected version 1")
        .satisfies(e -> assertThat(((PromptLabelConflictException) e).actual()).isEqualTo(2));
    assertThatThrownBy(() -> store.moveLabel("race", "canary", 1, 3, "bob")).isInstanceOf(PromptLabelConflictException.class);

    assertThat(store.load("race").orElseThrow().labels()).isEqualTo(Map.of("production", 2));
    assertThat(audit("race/production")).extracting(AuditEvent::actor).containsExactly("setup", "alice");
  }

  @Test
  void ofConcurrentMovesExpectingTheSameVersionExactlyOneWins() throws Exception {
    JdbcPromptStore store = store();
    store.add(version("many", 1, "One"));
    for (int v = 2; v <= 7; v++) {
      store.add(version("many", v, "V" + v));
    }
    store.moveLabel("many", "production", null, 1, "setup");
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<CompletableFuture<Long>> moves = new ArrayList<>();
    try {
      for (int v = 2; v <= 7; v++) {
        int target = v;
        moves.add(CompletableFuture.supplyAsync(() -> store.moveLabel("many", "production", 1, target, "mover-" + target), pool));
      }
      CompletableFuture.allOf(moves.toArray(CompletableFuture[]::new)).handle((r, e) -> null).get();
    } finally {
      pool.shutdownNow();
    }
    assertThat(moves).filteredOn(f -> !f.isCompletedExceptionally()).hasSize(1);
    assertThat(moves).filteredOn(CompletableFuture::isCompletedExceptionally).allSatisfy(f ->
        assertThatThrownBy(f::join).hasCauseInstanceOf(PromptLabelConflictException.class));
    assertThat(audit("many/production")).hasSize(2);
  }

  @Test
  void aVersionEditedInTheDatabaseFailsTheLoadNamingTheRow() {
    JdbcPromptStore store = store();
    store.add(version("tamper", 1, "Original"));
    db.execute("UPDATE " + db.schema() + ".llmops_prompt_version SET messages = '[{\"role\": \"USER\", \"template\": \"Forged\"}]'"
        + " WHERE name = 'tamper'");

    assertThatThrownBy(() -> store.load("tamper")).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(db.schema() + ".llmops_prompt_version row (tamper, 1)").hasMessageContaining("content_hash");
  }

  @Test
  void movingToAVersionThatIsNotStoredIsRefused() {
    JdbcPromptStore store = store();
    store.add(version("missing", 1, "One"));
    assertThatThrownBy(() -> store.moveLabel("missing", "production", 9)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no version 9");
    assertThatThrownBy(() -> store.moveLabel("missing", "latest", 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
