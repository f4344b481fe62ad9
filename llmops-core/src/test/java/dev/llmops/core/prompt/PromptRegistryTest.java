package dev.llmops.core.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.PromptNotFoundException;
import dev.llmops.api.PromptRef;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PromptRegistryTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  private final List<PromptEvent> events = new ArrayList<>();

  private static PromptVersion v(int n) {
    return PromptVersion.builder("support", n).user("v" + n + " {{q}}").build();
  }

  private InMemoryPromptSource source() {
    return InMemoryPromptSource.builder()
        .add(v(1), v(2), v(3))
        .label("support", "production", 2)
        .label("support", "staging", 3)
        .build();
  }

  private PromptRegistry registry(PromptSource source) {
    return PromptRegistry.builder()
        .source(source)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .executor(Runnable::run)
        .listener(events::add)
        .build();
  }

  @Test
  void resolvesByDefaultLabelLabelLatestAndVersion() {
    PromptRegistry r = registry(source());

    assertThat(r.resolve("support").version()).isEqualTo(2);
    assertThat(r.resolve("support", "staging").version()).isEqualTo(3);
    assertThat(r.resolve("support", PromptRegistry.LATEST).version()).isEqualTo(3);
    assertThat(r.resolve("support", 1).version()).isEqualTo(1);
    assertThat(r.resolve(new PromptRef("support", "staging", 1, Map.of())).version()).isEqualTo(1);
    assertThat(r.render(new PromptRef("support", null, null, Map.of("q", "why?"))).messages().get(0).content())
        .isEqualTo("v2 why?");
    assertThat(r.labels("support")).isEqualTo(Map.of("production", 2, "staging", 3));
    assertThat(r.versions("support")).hasSize(3);
  }

  /** names() lists what a file source holds and what was loaded, never a prompt the source lacks. */
  @Test
  void namesListTheFileSourcesPromptsAndThoseLoadedButNoUnknownName() {
    PromptRegistry files = PromptRegistry.fromClasspath("prompts-on-classpath");
    assertThat(files.names()).containsExactly("greet");

    PromptRegistry memory = registry(source());
    assertThat(memory.names()).as("an in-memory source cannot list: nothing loaded yet").isEmpty();
    memory.resolve("support");
    assertThatThrownBy(() -> memory.resolve("nope")).isInstanceOf(PromptNotFoundException.class);
    assertThat(memory.names()).containsExactly("support");
    assertThatThrownBy(() -> memory.names().add("x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void defaultLabelIsConfigurable() {
    PromptRegistry r = PromptRegistry.builder().source(source()).defaultLabel("staging").build();

    assertThat(r.resolve("support").version()).isEqualTo(3);
    assertThat(r.defaultLabel()).isEqualTo("staging");
  }

  @Test
  void unknownPromptLabelOrVersionFailsNamingIt() {
    PromptRegistry r = registry(source());

    assertThatThrownBy(() -> r.resolve("nope"))
        .isInstanceOfSatisfying(PromptNotFoundException.class, e -> {
          assertThat(e.promptName()).isEqualTo("nope");
          assertThat(e.selector()).isEqualTo("label production");
          assertThat(e.getMessage()).contains("'nope'");
        });
    assertThatThrownBy(() -> r.resolve("support", "canary"))
        .isInstanceOfSatisfying(PromptNotFoundException.class, e -> {
          assertThat(e.selector()).isEqualTo("label canary");
          assertThat(e.getMessage()).contains("canary").contains("production").contains("latest");
        });
    assertThatThrownBy(() -> r.resolve("support", 9))
        .isInstanceOfSatisfying(PromptNotFoundException.class, e -> {
          assertThat(e.selector()).isEqualTo("version 9");
          assertThat(e.getMessage()).contains("[1, 2, 3]");
        });
  }

  @Test
  void promoteMovesTheLabelAndRecordsWhoWhenFromTo() {
    InMemoryPromptSource source = source();
    PromptRegistry r = registry(source);
    assertThat(r.resolve("support").version()).isEqualTo(2);

    PromptEvent.LabelMoved moved = r.promote("support", "production", 3, "ana");

    assertThat(moved).isEqualTo(new PromptEvent.LabelMoved("support", "production", 2, 3, "ana", NOW, false, true));
    assertThat(moved.name()).isEqualTo("llmops.prompt.label_moved");
    assertThat(r.resolve("support").version()).isEqualTo(3);
    assertThat(source.load("support").orElseThrow().labels()).containsEntry("production", 3);
    assertThat(events).containsExactly(moved);
    assertThat(r.history()).containsExactly(moved);
  }

  @Test
  void promoteCreatesANewLabelFromNothing() {
    PromptRegistry r = registry(source());

    PromptEvent.LabelMoved moved = r.promote("support", "canary", 1, "bo");

    assertThat(moved.fromVersion()).isNull();
    assertThat(r.resolve("support", "canary").version()).isEqualTo(1);
  }

  @Test
  void rollbackWalksBackThroughPromotions() {
    PromptRegistry r = registry(source());
    r.promote("support", "production", 3, "ana");
    r.promote("support", "production", 1, "ana");

    PromptEvent.LabelMoved first = r.rollback("support", "production", "oncall");
    PromptEvent.LabelMoved second = r.rollback("support", "production", "oncall");

    assertThat(first).isEqualTo(new PromptEvent.LabelMoved("support", "production", 1, 3, "oncall", NOW, true, true));
    assertThat(second).isEqualTo(new PromptEvent.LabelMoved("support", "production", 3, 2, "oncall", NOW, true, true));
    assertThat(r.resolve("support").version()).isEqualTo(2);
    assertThat(events).hasSize(4).allSatisfy(e -> assertThat(e).isInstanceOf(PromptEvent.LabelMoved.class));
  }

  @Test
  void rollbackWithoutHistoryGoesToTheHighestEarlierVersion() {
    PromptRegistry r = registry(source());

    assertThat(r.rollback("support", "staging", "oncall").toVersion()).isEqualTo(2);
    assertThat(r.rollback("support", "production", 1, "oncall").toVersion()).isEqualTo(1);
    assertThatThrownBy(() -> r.rollback("support", "production", "oncall"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no earlier version");
    assertThatThrownBy(() -> r.rollback("support", "canary", "oncall"))
        .isInstanceOf(PromptNotFoundException.class).hasMessageContaining("canary");
  }

  @Test
  void badMovesAreRejectedAndChangeNothing() {
    PromptRegistry r = registry(source());

    assertThatThrownBy(() -> r.promote("support", "production", 9, "ana"))
        .isInstanceOfSatisfying(PromptNotFoundException.class, e -> assertThat(e.selector()).isEqualTo("version 9"));
    assertThatThrownBy(() -> r.promote("nope", "production", 1, "ana")).isInstanceOf(PromptNotFoundException.class);
    assertThatThrownBy(() -> r.promote("support", "latest", 1, "ana")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> r.promote("support", "production", 1, " ")).isInstanceOf(IllegalArgumentException.class);
    assertThat(r.resolve("support").version()).isEqualTo(2);
    assertThat(events).isEmpty();
    assertThat(r.history()).isEmpty();
  }

  @Test
  void moveTheSourceCannotStoreIsKeptInMemoryAcrossRefreshes() {
    InMemoryPromptSource backing = source();
    PromptSource readOnly = name -> backing.load(name); // keeps the default moveLabel: stores nothing
    PromptRegistry r = registry(readOnly);

    PromptEvent.LabelMoved moved = r.promote("support", "production", 1, "ana");
    r.refresh();

    assertThat(moved.persisted()).isFalse();
    assertThat(r.resolve("support").version()).isEqualTo(1);
    assertThat(backing.load("support").orElseThrow().labels()).containsEntry("production", 2);
  }

  @Test
  void unchangedVersionsKeepTheirCompiledInstanceAcrossRefreshes() {
    InMemoryPromptSource source = source();
    PromptRegistry r = registry(source);
    PromptVersion before = r.resolve("support", 1);

    source.add(PromptVersion.builder("support", 1).user("v1 {{q}}").build());
    source.add(PromptVersion.builder("support", 4).user("v4").build());
    r.refresh();

    assertThat(r.resolve("support", 1)).isSameAs(before);
    assertThat(r.resolve("support", PromptRegistry.LATEST).version()).isEqualTo(4);
  }

  @Test
  void aThrowingListenerDoesNotBreakTheMove() {
    PromptRegistry r = PromptRegistry.builder().source(source()).listener(e -> {
      throw new IllegalStateException("boom");
    }).listener(events::add).build();

    r.promote("support", "production", 3, "ana");

    assertThat(events).hasSize(1);
  }

  @Test
  void builderValidatesAtOnce() {
    PromptRegistry.Builder b = PromptRegistry.builder();

    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("source");
    assertThatThrownBy(() -> b.timeToLive(java.time.Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.defaultLabel("no spaces")).isInstanceOf(IllegalArgumentException.class);
    b.fallback(v(1));
    assertThatThrownBy(() -> b.fallback(v(2))).isInstanceOf(IllegalArgumentException.class);
    assertThat(PromptSource.noop().load("x")).isEqualTo(Optional.empty());
  }
}
