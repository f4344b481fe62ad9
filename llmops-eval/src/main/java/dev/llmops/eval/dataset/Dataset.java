package dev.llmops.eval.dataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * A golden dataset: a name, a version (the first 16 hex digits of a SHA-256 over the cases'
 * canonical JSON, so the same cases read from JSONL, YAML or code have the same version and any
 * change to a case changes it), and the cases in file order.
 *
 * <p>A JSONL file ({@code .jsonl}: one case per line, blank lines ignored) is read twice, never held
 * in memory: once when loaded (to check every line, count and hash), and again each time {@link
 * #cases()} streams it. A YAML file ({@code .yaml}/{@code .yml}: a list of cases, or a mapping with
 * {@code name} and {@code cases}) and a dataset made in code are held in memory. Immutable and
 * thread-safe.
 */
public final class Dataset {
  private final String name;
  private final String version;
  private final int size;
  private final String source;
  private final @Nullable List<EvalCase> cases;
  private final @Nullable Path jsonl;

  private Dataset(String name, String version, int size, String source, @Nullable List<EvalCase> cases, @Nullable Path jsonl) {
    this.name = name;
    this.version = version;
    this.size = size;
    this.source = source;
    this.cases = cases;
    this.jsonl = jsonl;
  }

  /**
   * A dataset of cases made in code.
   *
   * @throws IllegalArgumentException if the name is blank or two cases share an id
   */
  public static Dataset of(String name, List<EvalCase> cases) {
    checkName(name);
    List<EvalCase> copy = List.copyOf(cases);
    MessageDigest digest = CaseFiles.sha256();
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < copy.size(); i++) {
      EvalCase c = copy.get(i);
      Integer before = ids.putIfAbsent(c.id(), i);
      if (before != null) {
        throw new IllegalArgumentException(
            "dataset '" + name + "': case id '" + c.id() + "' at index " + i + " repeats index " + before);
      }
      digest.update(CaseFiles.canonical(c));
    }
    return new Dataset(name, CaseFiles.version(digest), copy.size(), "memory", copy, null);
  }

  /**
   * Loads a dataset file, named after the file (without extension) unless a YAML document names
   * it.
   *
   * @throws DatasetFormatException naming file, line and field if the file is malformed
   * @throws UncheckedIOException if it cannot be read
   */
  public static Dataset load(Path file) {
    return load(file, null);
  }

  /**
   * Loads a dataset file under {@code name} (null: the document's or the file's name).
   *
   * @throws DatasetFormatException naming file, line and field if the file is malformed
   * @throws UncheckedIOException if it cannot be read
   */
  public static Dataset load(Path file, @Nullable String name) {
    Objects.requireNonNull(file, "file");
    String display = file.toString();
    String fileName = file.getFileName().toString();
    String lower = fileName.toLowerCase(Locale.ROOT);
    String base = fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) : fileName;
    if (lower.endsWith(".jsonl")) {
      Scan scan = scanJsonl(file, display);
      String n = name != null ? name : base;
      checkName(n);
      return new Dataset(n, scan.version, scan.size, display, null, file);
    }
    if (lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json")) {
      try {
        return fromDocument(Files.readString(file, StandardCharsets.UTF_8), display, name, base);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read dataset " + display, e);
      }
    }
    throw new DatasetFormatException(display, 0, null, "unknown dataset format: use .jsonl, .yaml, .yml or .json");
  }

  /**
   * Loads a dataset from a class-path resource (held in memory, whatever its format).
   *
   * @throws DatasetFormatException naming resource, line and field if it is malformed
   * @throws IllegalArgumentException if there is no such resource
   */
  public static Dataset fromClasspath(ClassLoader loader, String resource) {
    Objects.requireNonNull(loader, "loader");
    Objects.requireNonNull(resource, "resource");
    String text;
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no dataset resource '" + resource + "' on the class path");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dataset resource " + resource, e);
    }
    String fileName = resource.substring(resource.lastIndexOf('/') + 1);
    String base = fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) : fileName;
    if (fileName.toLowerCase(Locale.ROOT).endsWith(".jsonl")) {
      List<EvalCase> cases = new java.util.ArrayList<>();
      int line = 0;
      for (String l : (Iterable<String>) text.lines()::iterator) {
        line++;
        if (!l.isBlank()) {
          cases.add(CaseFiles.parseLine(l, resource, line));
        }
      }
      return withIdsChecked(base, resource, cases);
    }
    return fromDocument(text, resource, null, base);
  }

  private static Dataset fromDocument(String text, String display, @Nullable String name, String base) {
    CaseFiles.Document doc = CaseFiles.parseDocument(text, display);
    String n = name != null ? name : doc.name() != null ? doc.name() : base;
    return withIdsChecked(n, display, doc.cases());
  }

  private static Dataset withIdsChecked(String name, String display, List<EvalCase> cases) {
    checkName(name);
    Map<String, Integer> ids = new HashMap<>();
    MessageDigest digest = CaseFiles.sha256();
    for (int i = 0; i < cases.size(); i++) {
      EvalCase c = cases.get(i);
      if (ids.putIfAbsent(c.id(), i) != null) {
        throw new DatasetFormatException(display, 0, "cases[" + i + "].id", "repeats the id '" + c.id() + "' of cases[" + ids.get(c.id()) + "]");
      }
      digest.update(CaseFiles.canonical(c));
    }
    return new Dataset(name, CaseFiles.version(digest), cases.size(), display, List.copyOf(cases), null);
  }

  private record Scan(String version, int size) {}

  private static Scan scanJsonl(Path file, String display) {
    MessageDigest digest = CaseFiles.sha256();
    Map<String, Integer> ids = new HashMap<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String l;
      int line = 0;
      while ((l = reader.readLine()) != null) {
        line++;
        if (l.isBlank()) {
          continue;
        }
        EvalCase c = CaseFiles.parseLine(l, display, line);
        Integer before = ids.putIfAbsent(c.id(), line);
        if (before != null) {
          throw new DatasetFormatException(display, line, "id", "repeats the id '" + c.id() + "' of line " + before);
        }
        digest.update(CaseFiles.canonical(c));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dataset " + display, e);
    }
    return new Scan(CaseFiles.version(digest), ids.size());
  }

  private static void checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || name.contains("@")) {
      throw new IllegalArgumentException("dataset name must be non-blank and without '@' but was '" + name + "'");
    }
  }

  /** The dataset's name. */
  public String name() {
    return name;
  }

  /** The version: the first 16 hex digits of the SHA-256 of the cases' canonical JSON. */
  public String version() {
    return version;
  }

  /** {@code name@version}, as recorded in the {@link dev.llmops.api.Fingerprint} of each call made for it. */
  public String id() {
    return name + "@" + version;
  }

  /** How many cases it has. */
  public int size() {
    return size;
  }

  /** Where it was read from (a file, a resource, or {@code memory}). */
  public String source() {
    return source;
  }

  /**
   * The cases in order. For a JSONL file this reads the file again, lazily; close the stream. If
   * the file changed since it was loaded, the stream fails at its end with an {@link
   * IllegalStateException} rather than pass off other cases as this version.
   */
  public Stream<EvalCase> cases() {
    List<EvalCase> c = cases;
    if (c != null) {
      return c.stream();
    }
    Path file = Objects.requireNonNull(jsonl, "jsonl");
    BufferedReader reader;
    try {
      reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dataset " + source, e);
    }
    Iterator<EvalCase> it = new LineIterator(reader);
    return StreamSupport.stream(Spliterators.spliterator(it, size, Spliterator.ORDERED | Spliterator.NONNULL), false)
        .onClose(() -> {
          try {
            reader.close();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  @Override
  public String toString() {
    return "Dataset[" + id() + ", " + size + " cases, " + source + "]";
  }

  /** Streams a JSONL file's cases, re-hashing them to notice a file changed since loading. */
  private final class LineIterator implements Iterator<EvalCase> {
    private final BufferedReader reader;
    private final MessageDigest digest = CaseFiles.sha256();
    private int line;
    private @Nullable EvalCase next;
    private boolean done;

    LineIterator(BufferedReader reader) {
      this.reader = reader;
    }

    @Override
    public boolean hasNext() {
      if (next != null) {
        return true;
      }
      if (done) {
        return false;
      }
      try {
        String l;
        while ((l = reader.readLine()) != null) {
          line++;
          if (!l.isBlank()) {
            EvalCase c = CaseFiles.parseLine(l, source, line);
            digest.update(CaseFiles.canonical(c));
            next = c;
            return true;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read dataset " + source, e);
      }
      done = true;
      String now = CaseFiles.version(digest);
      if (!now.equals(version)) {
        throw new IllegalStateException(
            "dataset " + source + " changed while in use: loaded as version " + version + ", now " + now);
      }
      return false;
    }

    @Override
    public EvalCase next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      EvalCase c = Objects.requireNonNull(next, "next");
      next = null;
      return c;
    }
  }
}
