import java.io.IOException;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import javax.tools.ToolProvider;

/**
 * Run by .ci/release-dry-run: each published module must be usable from a named module without
 * the "don't publish" warning. Arguments: pairs of a module's jar and a file holding its runtime
 * class path (dependency:build-classpath). For each module it
 *
 * <ol>
 *   <li>places the jars as maven-compiler-plugin places them for a consumer whose module-info
 *       requires the module: every module reached through requires clauses, static ones included
 *       (plexus-java's rule with includeStatic, which the compiler plugin sets), on the module path,
 *       everything else on the class path (an automatic module contributes no requires);
 *   <li>fails when one of those is an automatic module named from its file name (no
 *       Automatic-Module-Name): the case of Maven's "Required filename-based automodules detected
 *       ... Please don't publish this project" warning;
 *   <li>compiles {@code module consumer { requires <module>; }} with {@code -Xlint:all -Werror}.
 * </ol>
 *
 * For dev.llmops.core it also runs a consumer to show the exact tokenizer, which core does not
 * require (JTokkit's jar names no module), works when JTokkit is on the class path (where Maven
 * puts it) or added with --add-modules, and that core falls back to the estimate without it. For
 * dev.llmops.eval it runs a consumer whose drift monitor finds a shifted latency, with HdrHistogram
 * (which eval does not require either) on the class path or added with --add-modules.
 */
public final class JpmsConsumerCheck {
  private static final String CORE = "dev.llmops.core";
  private static final String JTOKKIT = "jtokkit";
  private static final String EVAL = "dev.llmops.eval";
  private static final String HDR = "HdrHistogram";
  /** The name .ci/release-dry-run gives each module's runtime class path, in its target directory. */
  private static final String CLASS_PATH_FILE = "runtime-classpath.txt";

  private JpmsConsumerCheck() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args.length % 2 != 0) {
      throw new IllegalArgumentException("usage: JpmsConsumerCheck (<module jar> <class path file>)...");
    }
    Path work = Files.createTempDirectory("jpms-consumer");
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < args.length; i += 2) {
      Path jar = Path.of(args[i]);
      Path classPathFile = Path.of(args[i + 1]);
      if (!Files.isRegularFile(jar) || !Files.isRegularFile(classPathFile)) {
        problems.add(jar + ": jar or " + classPathFile + " is missing");
        continue;
      }
      problems.addAll(check(jar, consumerView(dependencies(classPathFile)), work.resolve("m" + i)));
    }
    problems.forEach(p -> System.err.println("jpms check: " + p));
    if (!problems.isEmpty()) {
      System.exit(1);
    }
    System.out.println("jpms check: " + args.length / 2 + " published modules are usable from a named"
        + " module with no filename-based automatic module and no javac warning (-Xlint:all -Werror)");
  }

  /**
   * A module's own runtime class path lacks what it re-declares in test scope (Maven's nearest
   * declaration wins) although a consumer gets it through the upstream module: add the class path
   * of every reactor module on it, found beside that module's jar, until nothing is added.
   */
  private static List<Path> consumerView(List<Path> deps) throws IOException {
    List<Path> out = new ArrayList<>(deps);
    for (int i = 0; i < out.size(); i++) {
      Path beside = out.get(i).resolveSibling(CLASS_PATH_FILE);
      if (Files.isRegularFile(beside)) {
        for (Path p : dependencies(beside)) {
          if (!out.contains(p)) {
            out.add(p);
          }
        }
      }
    }
    return out;
  }

  private static List<Path> dependencies(Path classPathFile) throws IOException {
    String text = Files.readString(classPathFile, StandardCharsets.UTF_8).trim();
    List<Path> out = new ArrayList<>();
    if (!text.isEmpty()) {
      for (String entry : text.split(java.io.File.pathSeparator)) {
        out.add(Path.of(entry));
      }
    }
    return out;
  }

  private static List<String> check(Path jar, List<Path> deps, Path dir) throws Exception {
    List<String> problems = new ArrayList<>();
    ModuleDescriptor self = descriptor(jar);
    if (self == null || self.isAutomatic()) {
      return List.of(jar + ": not a named module");
    }
    // Every jar that is a valid module by itself, by module name (first wins, as on a path).
    Map<String, Path> byName = new LinkedHashMap<>();
    byName.put(self.name(), jar);
    for (Path dep : deps) {
      ModuleDescriptor d = descriptor(dep);
      if (d != null) {
        byName.putIfAbsent(d.name(), dep);
      }
    }
    Set<String> selected = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(self.name()));
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (!selected.add(name)) {
        continue;
      }
      ModuleDescriptor d = descriptor(byName.get(name));
      for (ModuleDescriptor.Requires r : d.requires()) {
        boolean optional = r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC);
        if (ModuleFinder.ofSystem().find(r.name()).isPresent() || (optional && !byName.containsKey(r.name()))) {
          continue;
        }
        if (!byName.containsKey(r.name())) {
          problems.add(self.name() + ": " + name + " requires " + r.name() + ", which no runtime dependency provides");
        } else {
          todo.add(r.name());
        }
      }
    }
    List<Path> modulePath = new ArrayList<>();
    for (String name : selected) {
      Path p = byName.get(name);
      modulePath.add(p);
      if (descriptor(p).isAutomatic() && automaticModuleName(p) == null) {
        problems.add(self.name() + ": a consumer's module path holds " + p.getFileName()
            + ", an automatic module named from its file name (Maven's \"don't publish\" warning)");
      }
    }
    List<Path> classPath = deps.stream().filter(p -> !modulePath.contains(p)).collect(Collectors.toList());

    Path src = dir.resolve("src");
    Path out = dir.resolve("out");
    Files.createDirectories(src.resolve("consumer"));
    Files.writeString(src.resolve("module-info.java"),
        "module consumer { requires " + self.name() + "; }\n");
    boolean core = self.name().equals(CORE);
    boolean eval = self.name().equals(EVAL);
    Files.writeString(src.resolve("consumer/Main.java"), eval
        ? "package consumer;\n"
          + "import dev.llmops.eval.monitor.DriftMonitor;\n"
          + "import dev.llmops.eval.monitor.MonitorKey;\n"
          + "import dev.llmops.eval.monitor.Signal;\n"
          + "public final class Main {\n"
          + "  private Main() {}\n"
          + "  public static void main(String[] args) {\n"
          + "    DriftMonitor d = DriftMonitor.builder().minSamples(200).build();\n"
          + "    MonitorKey k = new MonitorKey(\"f\", \"\", \"m\", \"\");\n"
          + "    String found = \"none\";\n"
          + "    for (int shift : new int[] {0, 200}) {\n"
          + "      for (int i = 0; i < 200; i++) {\n"
          + "        d.record(k, Signal.LATENCY_MS, 100 + shift + i);\n"
          + "      }\n"
          + "      for (var e : d.check()) {\n"
          + "        found = \"drifted \" + e.signal() + \" \" + e.test();\n"
          + "      }\n"
          + "    }\n"
          + "    System.out.print(found);\n"
          + "  }\n"
          + "}\n"
        : core
        ? "package consumer;\n"
          + "import dev.llmops.core.tokens.TokenCounter;\n"
          + "public final class Main {\n"
          + "  private Main() {}\n"
          + "  public static void main(String[] args) {\n"
          + "    TokenCounter c = TokenCounter.forModel(\"gpt-4o\");\n"
          + "    System.out.print(TokenCounter.exactAvailable() + \" \" + c.encoding() + \" \" + c.count(\"hello world\"));\n"
          + "  }\n"
          + "}\n"
        : "package consumer;\npublic final class Main {\n  private Main() {}\n}\n");
    List<String> javac = new ArrayList<>(List.of("-Xlint:all", "-Werror", "--release", "17", "-d", out.toString(),
        "--module-path", join(modulePath)));
    if (!classPath.isEmpty()) {
      javac.addAll(List.of("--class-path", join(classPath)));
    }
    javac.add(src.resolve("module-info.java").toString());
    javac.add(src.resolve("consumer/Main.java").toString());
    java.io.StringWriter log = new java.io.StringWriter();
    int rc = ToolProvider.getSystemJavaCompiler().run(null, new java.io.PrintStream(
        new java.io.ByteArrayOutputStream()), new java.io.PrintStream(new java.io.OutputStream() {
          @Override
          public void write(int b) {
            log.write(b);
          }
        }, true, StandardCharsets.UTF_8), javac.toArray(String[]::new));
    if (rc != 0 || !log.toString().isBlank()) {
      problems.add(self.name() + ": javac -Xlint:all -Werror on a consumer module: " + log.toString().strip());
      return problems;
    }
    if (core) {
      problems.addAll(runCore(modulePath, classPath, out));
    }
    if (eval) {
      problems.addAll(runEval(modulePath, classPath, out));
    }
    return problems;
  }

  /** The eval consumer with HdrHistogram on the class path, then on the module path; both must find the drift. */
  private static List<String> runEval(List<Path> modulePath, List<Path> classPath, Path out) throws Exception {
    Path hdr = classPath.stream().filter(p -> p.getFileName().toString().startsWith(HDR + "-"))
        .findFirst().orElse(null);
    if (hdr == null) {
      return List.of(EVAL + ": HdrHistogram is not among its runtime dependencies");
    }
    List<Path> mp = new ArrayList<>(modulePath);
    mp.add(out);
    List<Path> cpWithout = classPath.stream().filter(p -> !p.equals(hdr)).collect(Collectors.toList());
    List<Path> mpWith = new ArrayList<>(mp);
    mpWith.add(hdr);
    List<String> problems = new ArrayList<>();
    String expected = "drifted LATENCY_MS kolmogorov-smirnov";
    String cp = run(mp, classPath, List.of());
    if (!cp.equals(expected)) {
      problems.add(EVAL + " consumer run, HdrHistogram on the class path (as Maven places it): expected \""
          + expected + "\", got \"" + cp + "\"");
    }
    String mod = run(mpWith, cpWithout, List.of("--add-modules", HDR));
    if (!mod.equals(expected)) {
      problems.add(EVAL + " consumer run, HdrHistogram on the module path with --add-modules: expected \""
          + expected + "\", got \"" + mod + "\"");
    }
    return problems;
  }

  /** The consumer run three ways; each must print exactAvailable, the encoding and a count. */
  private static List<String> runCore(List<Path> modulePath, List<Path> classPath, Path out) throws Exception {
    Path jtokkit = classPath.stream().filter(p -> p.getFileName().toString().startsWith(JTOKKIT + "-"))
        .findFirst().orElse(null);
    if (jtokkit == null) {
      return List.of(CORE + ": JTokkit is not among its runtime dependencies");
    }
    List<Path> mp = new ArrayList<>(modulePath);
    mp.add(out);
    List<Path> cpWithout = classPath.stream().filter(p -> !p.equals(jtokkit)).collect(Collectors.toList());
    List<Path> mpWith = new ArrayList<>(mp);
    mpWith.add(jtokkit);
    List<String> problems = new ArrayList<>();
    expect(problems, "JTokkit on the class path (as Maven places it)", run(mp, classPath, List.of()),
        "true o200k_base 2");
    expect(problems, "JTokkit absent", run(mp, cpWithout, List.of()), "false estimate 3");
    expect(problems, "JTokkit on the module path with --add-modules jtokkit",
        run(mpWith, cpWithout, List.of("--add-modules", JTOKKIT)), "true o200k_base 2");
    return problems;
  }

  private static void expect(List<String> problems, String how, String actual, String expected) {
    if (!actual.equals(expected)) {
      problems.add(CORE + " consumer run, " + how + ": expected \"" + expected + "\", got \"" + actual + "\"");
    }
  }

  private static String run(List<Path> modulePath, List<Path> classPath, List<String> extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--module-path", join(modulePath)));
    if (!classPath.isEmpty()) {
      cmd.addAll(List.of("--class-path", join(classPath)));
    }
    cmd.addAll(extra);
    cmd.addAll(List.of("-m", "consumer/consumer.Main"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "timed out";
    }
    return output;
  }

  private static String join(List<Path> paths) {
    return paths.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
  }

  /** The jar's module descriptor, or null when it cannot be a module (Maven puts it on the class path). */
  private static ModuleDescriptor descriptor(Path jar) {
    try {
      return ModuleFinder.of(jar).findAll().stream().findFirst().map(ModuleReference::descriptor).orElse(null);
    } catch (FindException e) {
      return null;
    }
  }

  private static String automaticModuleName(Path jar) throws IOException {
    if (Files.isDirectory(jar)) {
      return null;
    }
    try (JarFile f = new JarFile(jar.toFile())) {
      return f.getManifest() == null ? null : f.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
    }
  }
}
