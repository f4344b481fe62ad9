package dev.llmops.core.prompt;

import dev.llmops.core.redaction.RedactingLogger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A thread-safe watcher of a prompt directory that calls {@link PromptRegistry#refresh()} when a
 * file in it changes, so that edits, new versions and label moves take effect without waiting for
 * the registry's time-to-live; {@link #close()} may be called from any thread, more than once.
 *
 * <pre>{@code
 * PromptRegistry prompts = PromptRegistry.fromDirectory(root);
 * try (PromptDirectoryWatcher watcher = PromptDirectoryWatcher.start(root, prompts)) {
 *   ...   // edits under root are applied within moments
 * }
 * }</pre>
 *
 * <p>One daemon thread ({@value #THREAD_NAME}) waits on a {@link WatchService} registered on the
 * root and on every prompt folder, including folders created later. The events of one burst (an
 * editor's save, a deployment copying many files) are coalesced: the thread drains every event
 * already queued, then refreshes once. Files and folders whose names start with {@code .} are
 * ignored, as the prompt source ignores them (a temporary file renamed into place is seen by its
 * final name); when the platform drops events ({@link StandardWatchEventKinds#OVERFLOW}) the
 * registry is refreshed anyway.
 *
 * <p>A refresh reloads the prompts the registry has cached; a broken directory keeps the last good
 * state and publishes {@link PromptEvent.RefreshFailed}, as a background refresh does. The thread never
 * dies from a failing refresh or hook: the failure is logged and the watcher carries on. Where the
 * JDK has no native file notification (it then polls, as on macOS) a change may take seconds to
 * be seen.
 */
public final class PromptDirectoryWatcher implements AutoCloseable {
  /** The name of the watcher's thread. */
  public static final String THREAD_NAME = "llmops-prompt-watcher";

  private static final RedactingLogger LOG = RedactingLogger.of(PromptDirectoryWatcher.class);
  private static final long JOIN_MILLIS = 10_000;

  private final Path root;
  private final PromptRegistry registry;
  private final Runnable afterRefresh;
  private final WatchService service;
  /** Each registered key and the folder it watches (read only by the watcher thread after start). */
  private final Map<WatchKey, Path> folders = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread thread;

  private PromptDirectoryWatcher(Path root, PromptRegistry registry, Runnable afterRefresh) throws IOException {
    this.root = root;
    this.registry = registry;
    this.afterRefresh = afterRefresh;
    this.service = root.getFileSystem().newWatchService();
    try {
      register(root);
      try (Stream<Path> children = Files.list(root)) {
        for (Path child : (Iterable<Path>) children::iterator) {
          if (isPromptFolder(child)) {
            register(child);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      service.close();
      throw e;
    }
    this.thread = new Thread(this::run, THREAD_NAME);
    thread.setDaemon(true);
  }

  /**
   * Starts watching the prompt directory {@code root} and refreshing {@code registry} on changes.
   * The folders are registered before this returns, so every later change is seen.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code root} is not a directory
   * @throws UncheckedIOException if the directory cannot be watched
   */
  public static PromptDirectoryWatcher start(Path root, PromptRegistry registry) {
    return start(root, registry, () -> {});
  }

  /**
   * As {@link #start(Path, PromptRegistry)}, calling {@code afterRefresh} on the watcher's thread
   * after each refresh it triggers, whether the refresh succeeded or not (to count refreshes, or for
   * a test to wait on). The hook must be fast; if it throws, the failure is logged and the watcher
   * carries on.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code root} is not a directory
   * @throws UncheckedIOException if the directory cannot be watched
   */
  public static PromptDirectoryWatcher start(Path root, PromptRegistry registry, Runnable afterRefresh) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(afterRefresh, "afterRefresh");
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("root is not a directory: " + root);
    }
    PromptDirectoryWatcher watcher;
    try {
      watcher = new PromptDirectoryWatcher(root, registry, afterRefresh);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot watch the prompt directory " + root, e);
    }
    watcher.thread.start();
    return watcher;
  }

  /** The watcher's thread, for tests to check it ended. */
  Thread thread() {
    return thread;
  }

  /**
   * Stops watching: closes the watch service and waits (up to 10 seconds, for a refresh in
   * progress to end) until the thread has ended. Later calls do nothing. Called on the watcher's own
   * thread (from the hook), it does not wait.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      service.close();
    } catch (IOException e) {
      LOG.warn("closing the watch service of prompt directory {} failed", root, e);
    }
    if (Thread.currentThread() == thread) {
      return;
    }
    try {
      thread.join(JOIN_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("prompt watcher thread of {} did not end within {} ms", root, JOIN_MILLIS);
    }
  }

  private void run() {
    try {
      while (!closed.get()) {
        WatchKey first = service.take();
        try {
          boolean changed = handle(first);
          // Coalesce the burst: take whatever else is already queued before refreshing once.
          for (WatchKey more = service.poll(); more != null; more = service.poll()) {
            changed |= handle(more);
          }
          if (changed && !closed.get()) {
            refresh();
          }
        } catch (ClosedWatchServiceException e) {
          throw e;
        } catch (RuntimeException e) {
          LOG.warn("handling a change in prompt directory {} failed; the watcher carries on", root, e);
        }
      }
    } catch (ClosedWatchServiceException e) {
      // close() was called: the normal way out.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Handles one key's events and re-arms it; true if the registry should refresh. */
  private boolean handle(WatchKey key) {
    Path folder = folders.get(key);
    boolean changed = false;
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
        changed = true;
        if (folder != null && folder.equals(root)) {
          registerNewFolders();
        }
        continue;
      }
      if (!(event.context() instanceof Path name) || name.toString().startsWith(".")) {
        continue;
      }
      changed = true;
      if (folder != null && folder.equals(root) && event.kind() == StandardWatchEventKinds.ENTRY_CREATE) {
        Path child = root.resolve(name);
        if (isPromptFolder(child)) {
          registerQuietly(child);
        }
      }
    }
    if (!key.reset()) {
      folders.remove(key); // the folder was deleted
      if (root.equals(folder)) {
        LOG.warn("prompt directory {} is gone; nothing more will be seen until it is watched again", root);
      }
    }
    return changed;
  }

  private void refresh() {
    try {
      registry.refresh();
    } catch (RuntimeException e) {
      LOG.warn("refreshing prompts after a change in {} failed; the watcher carries on", root, e);
    }
    try {
      afterRefresh.run();
    } catch (RuntimeException e) {
      LOG.warn("the after-refresh hook of the prompt watcher of {} failed; the watcher carries on", root, e);
    }
  }

  /** After an overflow, events for new folders may have been lost: register any not yet watched. */
  private void registerNewFolders() {
    try (Stream<Path> children = Files.list(root)) {
      for (Path child : (Iterable<Path>) children::iterator) {
        if (isPromptFolder(child) && !folders.containsValue(child)) {
          registerQuietly(child);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("cannot list prompt directory {} to watch new folders", root, e);
    }
  }

  private void registerQuietly(Path folder) {
    try {
      register(folder);
    } catch (IOException e) {
      // Deleted again before it could be registered, or unreadable: the refresh reports what matters.
      LOG.warn("cannot watch prompt folder {}", folder, e);
    } catch (ClosedWatchServiceException e) {
      // Closing; the loop ends on its next take().
    }
  }

  private void register(Path folder) throws IOException {
    WatchKey key = folder.register(service, StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
    folders.put(key, folder);
  }

  private static boolean isPromptFolder(Path p) {
    @Nullable Path name = p.getFileName();
    return name != null && !name.toString().startsWith(".") && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public String toString() {
    return "PromptDirectoryWatcher[" + root + (closed.get() ? ", closed" : "") + "]";
  }
}
