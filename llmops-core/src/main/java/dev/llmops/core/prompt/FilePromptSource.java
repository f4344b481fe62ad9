package dev.llmops.core.prompt;

import dev.llmops.api.ConfigurationException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A {@link PromptSource} over files in YAML or JSON: a directory, or a folder on the classpath. The
 * layout (one folder per prompt, {@code v<N>.yaml} per version, {@code labels.yaml}) is described
 * in {@code docs/prompts.md}.
 *
 * <p>A <b>directory</b> source re-reads the directory each time the registry reloads a prompt, so
 * edits take effect without a restart; the whole directory is parsed and validated, and if any
 * file is broken the load fails (the registry keeps serving its previous good state), so a broken
 * directory never half-applies. Label moves are written to the prompt's labels file atomically
 * (written to a temporary file beside it, then renamed over it; comments in it are not kept).
 *
 * <p>A <b>classpath</b> source is read once; it cannot store label moves, which the registry then
 * keeps in memory.
 *
 * <p>Thread-safe.
 */
public final class FilePromptSource implements PromptSource {
  private final Path root;
  private final String display;
  private final boolean writable;
  private final Object lock = new Object();
  // Guarded by lock.
  private byte[] digest;
  private Map<String, PromptDefinition> prompts;

  private FilePromptSource(Path root, String display, boolean writable) {
    this.root = root;
    this.display = display;
    this.writable = writable;
    Map<String, byte[]> files = PromptFiles.read(root, display);
    this.prompts = PromptFiles.parse(files, display);
    this.digest = digest(files);
  }

  /**
   * A source over the directory {@code root}, read and validated now.
   *
   * @throws ConfigurationException if it is not a readable directory or any file in it is invalid,
   *     listing every problem with its file and key
   */
  public static FilePromptSource directory(Path root) {
    Objects.requireNonNull(root, "root");
    return new FilePromptSource(root, root.toString(), true);
  }

  /**
   * A read-only source over the classpath folder {@code root} (for example {@code "prompts"}),
   * found with this library's class loader, read and validated now. Works for folders in a
   * directory or inside a jar.
   *
   * @throws ConfigurationException if the folder is not on the classpath or a file is invalid
   */
  public static FilePromptSource classpath(String root) {
    return classpath(FilePromptSource.class.getClassLoader(), root);
  }

  /** As {@link #classpath(String)}, looking the folder up with {@code loader}. */
  public static FilePromptSource classpath(ClassLoader loader, String root) {
    Objects.requireNonNull(loader, "loader");
    Objects.requireNonNull(root, "root");
    String folder = root.startsWith("/") ? root.substring(1) : root;
    String display = "classpath:" + folder;
    URL url = loader.getResource(folder);
    if (url == null) {
      throw new ConfigurationException(display + ": not found on the classpath");
    }
    return new FilePromptSource(pathOf(url, display), display, false);
  }

  private static Path pathOf(URL url, String display) {
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        try {
          FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException e) {
          // Opened before (by us or the application): Path.of finds it.
        }
      }
      return Path.of(uri);
    } catch (URISyntaxException | IOException | RuntimeException e) {
      throw new ConfigurationException(display + ": cannot be opened (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * The prompt {@code name} as the files hold it now. A directory source re-reads the directory
   * and, if any file changed, re-parses all of it.
   *
   * @throws ConfigurationException if the directory has become invalid
   */
  @Override
  public Optional<PromptDefinition> load(String name) {
    Objects.requireNonNull(name, "name");
    return Optional.ofNullable(current().get(name));
  }

  /** The names of the prompts the files hold now. */
  public Set<String> names() {
    return current().keySet();
  }

  private Map<String, PromptDefinition> current() {
    if (!writable) {
      synchronized (lock) {
        return prompts;
      }
    }
    Map<String, byte[]> files = PromptFiles.read(root, display);
    byte[] now = digest(files);
    synchronized (lock) {
      if (!Arrays.equals(now, digest)) {
        // Parse before swapping: a broken directory throws here and the last good state stays.
        prompts = PromptFiles.parse(files, display);
        digest = now;
      }
      return prompts;
    }
  }

  /**
   * Rewrites the prompt's labels file (or creates {@code labels.yaml}) atomically.
   *
   * @return true for a directory source; false for a classpath source, which stores nothing
   * @throws ConfigurationException if the prompt or version is not in the files
   * @throws java.io.UncheckedIOException if the file cannot be written
   */
  @Override
  public boolean moveLabel(String name, String label, int version) {
    if (!writable) {
      return false;
    }
    PromptVersion.checkName(label, "label");
    synchronized (lock) {
      PromptDefinition d = current().get(name);
      if (d == null || d.version(version).isEmpty()) {
        throw new ConfigurationException(display + "/" + name + ": no version " + version + " to point '" + label + "' at");
      }
      Path dir = root.resolve(name);
      String fileName = "labels.yaml";
      for (String candidate : new String[] {"labels.yaml", "labels.yml", "labels.json"}) {
        if (Files.exists(dir.resolve(candidate))) {
          fileName = candidate;
        }
      }
      Map<String, Integer> labels = new TreeMap<>(d.labels());
      labels.put(label, version);
      Path target = dir.resolve(fileName);
      Path temp = dir.resolve("." + fileName + ".tmp");
      try {
        Files.write(temp, PromptFiles.writeLabels(labels, fileName));
        try {
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(display + "/" + name + "/" + fileName + ": cannot be written", e);
      }
      current();
      return true;
    }
  }

  private static byte[] digest(Map<String, byte[]> files) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      files.forEach((path, bytes) -> {
        md.update(path.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(Integer.toString(bytes.length).getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(bytes);
      });
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "FilePromptSource[" + display + (writable ? "" : ", read-only") + "]";
  }
}
