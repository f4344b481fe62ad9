package dev.llmops.core.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.core.HookCalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptDirectoryWatcherTest {
  @TempDir Path dir;
  private Path root;
  private Path staging;
  private final List<PromptEvent> events = new CopyOnWriteArrayList<>();
  private final HookCalls refreshes = new HookCalls();
  private PromptDirectoryWatcher watcher;

  @AfterEach
  void closeWatcher() {
    if (watcher != null) {
      watcher.close();
    }
  }

  private void setUpPrompts() throws IOException {
    root = Files.createDirectories(dir.resolve("prompts"));
    staging = Files.createDirectories(dir.resolve("staging"));
    Files.createDirectories(root.resolve("support"));
    put("support/v1.yaml", version("first"));
    put("support/v2.yaml", version("second"));
    put("support/labels.yaml", "production: 1\n");
  }

  private static String version(String text) {
    return "messages:\n  - role: user\n    content: \"" + text + " {{q}}\"\n";
  }

  /** Writes a file beside the watched tree, then moves it into place atomically, as a deployment would. */
  private void put(String relative, String content) throws IOException {
    Path temp = Files.createTempFile(staging, "prompt", ".tmp");
    Files.writeString(temp, content, StandardCharsets.UTF_8);
    Files.move(temp, root.resolve(relative), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** A registry that never reloads on its own within a test: only the watcher can refresh it. */
  private PromptRegistry registry() {
    return PromptRegistry.builder()
        .source(FilePromptSource.directory(root))
        .timeToLive(Duration.ofHours(1))
        .executor(Runnable::run)
        .listener(events::add)
        .build();
  }

  @Test
  void aLabelMovedInTheFileIsServedAfterTheWatcherRefreshes() throws Exception {
    setUpPrompts();
    PromptRegistry registry = registry();
    assertThat(registry.resolve("support").version()).isEqualTo(1);
    watcher = PromptDirectoryWatcher.start(root, registry, refreshes);

    put("support/labels.yaml", "production: 2\n");

    refreshes.awaitUntil("production moved to 2", () -> registry.resolve("support").version() == 2);
    assertThat(refreshes.count()).isPositive();
    assertThat(registry.resolve("support").render(Map.of("q", "?")).messages().get(0).content())
        .isEqualTo("second ?");
  }

  @Test
  void aVersionAddedToAFolderCreatedAfterStartIsSeen() throws Exception {
    setUpPrompts();
    PromptRegistry registry = registry();
    watcher = PromptDirectoryWatcher.start(root, registry, refreshes);

    Path greet = Files.createDirectories(staging.resolve("greet"));
    Files.writeString(greet.resolve("v1.yaml"), version("hello"));
    Files.writeString(greet.resolve("labels.yaml"), "production: 1\n");
    Files.move(greet, root.resolve("greet"), StandardCopyOption.ATOMIC_MOVE);
    refreshes.awaitUntil("the new folder noticed", () -> refreshes.count() >= 1);
    assertThat(registry.resolve("greet", PromptRegistry.LATEST).version()).isEqualTo(1);

    put("greet/v2.yaml", version("hi"));

    refreshes.awaitUntil("version 2 of greet", () -> registry.resolve("greet", PromptRegistry.LATEST).version() == 2);
  }

  @Test
  void aBrokenFileKeepsTheLastGoodVersionAndALaterFixIsStillSeen() throws Exception {
    setUpPrompts();
    PromptRegistry registry = registry();
    assertThat(registry.resolve("support").version()).isEqualTo(1);
    watcher = PromptDirectoryWatcher.start(root, registry, refreshes);

    put("support/labels.yaml", "production: [not a number\n");

    refreshes.awaitUntil("the refresh failure published",
        () -> events.stream().anyMatch(e -> e instanceof PromptEvent.RefreshFailed));
    assertThat(registry.resolve("support").version()).isEqualTo(1);
    assertThat(watcher.thread().isAlive()).isTrue();

    put("support/labels.yaml", "production: 2\n");

    refreshes.awaitUntil("the fix applied", () -> registry.resolve("support").version() == 2);
  }

  @Test
  void aThrowingHookDoesNotStopTheWatcher() throws Exception {
    setUpPrompts();
    PromptRegistry registry = registry();
    assertThat(registry.resolve("support").version()).isEqualTo(1);
    watcher = PromptDirectoryWatcher.start(root, registry, () -> {
      refreshes.run();
      if (refreshes.count() == 1) {
        throw new IllegalStateException("hook failed");
      }
    });

    put("support/v3.yaml", version("third"));
    refreshes.awaitUntil("a first refresh", () -> refreshes.count() >= 1);
    put("support/labels.yaml", "production: 3\n");

    refreshes.awaitUntil("production moved to 3", () -> registry.resolve("support").version() == 3);
    assertThat(watcher.thread().isAlive()).isTrue();
  }

  @Test
  void closeEndsTheThreadAndASecondCloseIsHarmless() throws Exception {
    setUpPrompts();
    watcher = PromptDirectoryWatcher.start(root, registry());
    Thread thread = watcher.thread();
    assertThat(thread.isAlive()).isTrue();
    assertThat(thread.isDaemon()).isTrue();
    assertThat(thread.getName()).isEqualTo(PromptDirectoryWatcher.THREAD_NAME);

    watcher.close();

    assertThat(thread.isAlive()).isFalse();
    watcher.close();
    assertThat(thread.isAlive()).isFalse();
  }

  @Test
  void argumentsAreCheckedWithClearMessages() throws Exception {
    setUpPrompts();
    PromptRegistry registry = registry();
    Path file = root.resolve("support/v1.yaml");

    assertThatThrownBy(() -> PromptDirectoryWatcher.start(file, registry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a directory")
        .hasMessageContaining(file.toString());
    assertThatThrownBy(() -> PromptDirectoryWatcher.start(root.resolve("missing"), registry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing");
    assertThatThrownBy(() -> PromptDirectoryWatcher.start(null, registry))
        .isInstanceOf(NullPointerException.class).hasMessage("root");
    assertThatThrownBy(() -> PromptDirectoryWatcher.start(root, null))
        .isInstanceOf(NullPointerException.class).hasMessage("registry");
    assertThatThrownBy(() -> PromptDirectoryWatcher.start(root, registry, null))
        .isInstanceOf(NullPointerException.class).hasMessage("afterRefresh");
  }
}
