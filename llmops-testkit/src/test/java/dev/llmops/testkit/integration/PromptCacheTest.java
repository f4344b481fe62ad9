package dev.llmops.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ConfigurationException;
import dev.llmops.core.prompt.InMemoryPromptSource;
import dev.llmops.core.prompt.PromptDefinition;
import dev.llmops.core.prompt.PromptEvent;
import dev.llmops.core.prompt.PromptRegistry;
import dev.llmops.core.prompt.PromptSource;
import dev.llmops.core.prompt.PromptVersion;
import dev.llmops.testkit.ManualScheduler;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The registry's cache on a {@link TestClock}: time-to-live, refresh, stale-if-error, fallback. */
class PromptCacheTest {
  private static final Duration TTL = Duration.ofSeconds(30);

  private final TestClock clock = TestClock.create();
  private final List<PromptEvent> events = new ArrayList<>();
  private final FlakySource source = new FlakySource(InMemoryPromptSource.builder()
      .add(version(1, "first"))
      .label("support", "production", 1)
      .build());

  /** A source that counts loads and fails while told to. */
  static final class FlakySource implements PromptSource {
    final InMemoryPromptSource backing;
    final AtomicInteger loads = new AtomicInteger();
    volatile @Nullable RuntimeException failure;

    FlakySource(InMemoryPromptSource backing) {
      this.backing = backing;
    }

    @Override
    public Optional<PromptDefinition> load(String name) {
      loads.incrementAndGet();
      RuntimeException f = failure;
      if (f != null) {
        throw f;
      }
      return backing.load(name);
    }

    @Override
    public boolean moveLabel(String name, String label, int version) {
      return backing.moveLabel(name, label, version);
    }

    void publish(int version, String text) {
      backing.add(version(version, text));
      backing.moveLabel("support", "production", version);
    }
  }

  static PromptVersion version(int n, String text) {
    return PromptVersion.builder("support", n).user(text + " {{q}}").build();
  }

  private PromptRegistry registry(Executor executor, PromptVersion... fallbacks) {
    PromptRegistry.Builder b = PromptRegistry.builder()
        .source(source)
        .clock(clock)
        .executor(executor)
        .timeToLive(TTL)
        .listener(events::add);
    for (PromptVersion f : fallbacks) {
      b.fallback(f);
    }
    return b.build();
  }

  @Test
  void servesFromCacheUntilTheTimeToLiveThenPicksUpTheChange() {
    PromptRegistry r = registry(Runnable::run);
    assertThat(r.resolve("support").version()).isEqualTo(1);
    source.publish(2, "second");

    clock.advance(TTL.minusSeconds(1));
    assertThat(r.resolve("support").version()).isEqualTo(1);
    assertThat(source.loads).hasValue(1);

    clock.advance(Duration.ofSeconds(2));
    r.resolve("support");
    assertThat(r.resolve("support").version()).isEqualTo(2);
    assertThat(source.loads).hasValue(2);
    assertThat(events).isEmpty();
  }

  @Test
  void refreshRunsInTheBackgroundWhileTheOldCopyIsServed() {
    ManualScheduler scheduler = ManualScheduler.on(clock);
    PromptRegistry r = registry(task -> scheduler.schedule(task, Duration.ZERO));
    r.resolve("support");
    source.publish(2, "second");

    clock.advance(TTL.plusSeconds(1));
    assertThat(r.resolve("support").version()).isEqualTo(1);
    assertThat(scheduler.pending()).isEqualTo(1);
    assertThat(source.loads).hasValue(1);

    clock.runDue();
    assertThat(source.loads).hasValue(2);
    assertThat(r.resolve("support").version()).isEqualTo(2);
  }

  @Test
  void servesTheLastGoodVersionWhileTheSourceFailsAndRetriesOncePerTimeToLive() {
    PromptRegistry r = registry(Runnable::run);
    PromptVersion good = r.resolve("support");
    source.failure = new IllegalStateException("database down");

    clock.advance(TTL.plusSeconds(1));
    Instant failedAt = clock.instant();
    assertThat(r.resolve("support")).isSameAs(good);
    assertThat(r.resolve("support")).isSameAs(good);
    assertThat(source.loads).hasValue(2);
    assertThat(events).containsExactly(
        new PromptEvent.RefreshFailed("support", failedAt, IllegalStateException.class.getName(), false));

    clock.advance(TTL.plusSeconds(1));
    assertThat(r.resolve("support")).isSameAs(good);
    assertThat(source.loads).hasValue(3);
    assertThat(events).hasSize(2);

    source.failure = null;
    source.publish(2, "second");
    clock.advance(TTL.plusSeconds(1));
    r.resolve("support");
    assertThat(r.resolve("support").version()).isEqualTo(2);
  }

  @Test
  void aBrokenSourceIsReportedWithTheFileAndKeyAndTheOldStateStays() {
    PromptRegistry r = registry(Runnable::run);
    r.resolve("support");
    source.failure = new ConfigurationException("prompts/support/labels.yaml: production: points at version 9");

    clock.advance(TTL.plusSeconds(1));
    assertThat(r.resolve("support").version()).isEqualTo(1);
    assertThat(events).singleElement().isInstanceOfSatisfying(PromptEvent.RefreshFailed.class,
        e -> assertThat(e.reason()).contains("labels.yaml").contains("production"));
  }

  @Test
  void fallbackIsServedWhenNothingWasEverLoaded() {
    PromptVersion fallback = PromptVersion.builder("support", 1).user("Sorry, {{q}}").build();
    source.failure = new IllegalStateException("down");
    PromptRegistry r = registry(Runnable::run, fallback);

    assertThat(r.resolve("support", "staging")).isSameAs(fallback);
    assertThat(r.resolve("support", 7)).isSameAs(fallback);
    assertThat(events).singleElement().isInstanceOfSatisfying(PromptEvent.RefreshFailed.class,
        e -> assertThat(e.servingFallback()).isTrue());

    source.failure = null;
    clock.advance(TTL.plusSeconds(1));
    r.resolve("support");
    assertThat(r.resolve("support").render(java.util.Map.of("q", "x")).messages().get(0).content())
        .isEqualTo("first x");
  }

  @Test
  void withoutAFallbackTheFirstFailurePropagates() {
    source.failure = new ConfigurationException("prompts/support/v1.yaml: line 3, column 1: malformed YAML");
    PromptRegistry r = registry(Runnable::run);

    assertThatThrownBy(() -> r.resolve("support"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("v1.yaml");
  }

  @Test
  void anUnknownPromptIsRememberedForOneTimeToLive() {
    PromptRegistry r = registry(Runnable::run);

    assertThatThrownBy(() -> r.resolve("greet")).isInstanceOf(dev.llmops.api.PromptNotFoundException.class);
    assertThatThrownBy(() -> r.resolve("greet")).isInstanceOf(dev.llmops.api.PromptNotFoundException.class);
    assertThat(source.loads).hasValue(1);

    source.backing.add(PromptVersion.builder("greet", 1).user("hi").build());
    clock.advance(TTL.plusSeconds(1));
    assertThatThrownBy(() -> r.resolve("greet")).isInstanceOf(dev.llmops.api.PromptNotFoundException.class);
    assertThat(r.resolve("greet", PromptRegistry.LATEST).version()).isEqualTo(1);
  }
}
