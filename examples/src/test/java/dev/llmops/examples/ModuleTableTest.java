package dev.llmops.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The module table of {@code docs/architecture.md} is checked against the build, so it cannot drift:
 * every module of the root pom has a row; a published module's row names its Java module as its
 * {@code module-info.java} does, and lists exactly the artifacts its pom depends on at compile or
 * run time (optional and provided dependencies aside, which the text mentions in prose).
 */
class ModuleTableTest {
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  @Test
  void everyModuleHasARowAndEveryPublishedRowMatchesItsPomAndModuleInfo() throws Exception {
    Path root = ReadmeTest.root();
    Map<String, String[]> rows = moduleTable(root.resolve("docs/architecture.md"));
    List<String> modules = childElements(parse(root.resolve("pom.xml")).getDocumentElement(), "modules", "module");
    assertThat(rows.keySet()).as("rows of the module table").containsExactlyInAnyOrderElementsOf(modules);

    for (String module : modules) {
      Path moduleInfo = root.resolve(module).resolve("src/main/java/module-info.java");
      if (!Files.exists(moduleInfo)) {
        continue; // not a published library module (BOM, examples, benchmarks)
      }
      String[] row = rows.get(module);
      assertThat(codeSpans(row[1])).as(module + ": Java module").containsExactly(javaModuleName(moduleInfo));
      assertThat(codeSpans(row[2])).as(module + ": depends on")
          .containsExactlyInAnyOrderElementsOf(runtimeDependencies(root.resolve(module).resolve("pom.xml")));
    }
  }

  /** Rows of the first table under "## Modules": module directory to its cells. */
  static Map<String, String[]> moduleTable(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    int at = lines.indexOf("## Modules");
    assertThat(at).as("a '## Modules' section in " + file).isNotNegative();
    Map<String, String[]> rows = new LinkedHashMap<>();
    int i = at + 1;
    while (i < lines.size() && !lines.get(i).startsWith("|")) {
      i++;
    }
    for (i += 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String[] cells = lines.get(i).substring(1).split("\\|");
      for (int c = 0; c < cells.length; c++) {
        cells[c] = cells[c].trim();
      }
      List<String> name = codeSpans(cells[0]);
      assertThat(name).as("first cell of " + lines.get(i)).hasSize(1);
      rows.put(name.get(0), cells);
    }
    return rows;
  }

  static List<String> codeSpans(String cell) {
    Matcher m = CODE.matcher(cell);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  static String javaModuleName(Path moduleInfo) throws IOException {
    Matcher m = Pattern.compile("(?m)^\\s*(?:open\\s+)?module\\s+([\\w.]+)\\s*\\{").matcher(Files.readString(moduleInfo));
    assertThat(m.find()).as("a module declaration in " + moduleInfo).isTrue();
    return m.group(1);
  }

  /** The artifactIds a pom depends on at compile or run time, optional and provided ones aside. */
  static Set<String> runtimeDependencies(Path pom) throws Exception {
    Set<String> out = new TreeSet<>();
    Element project = parse(pom).getDocumentElement();
    for (Element dependency : elements(child(project, "dependencies"), "dependency")) {
      String scope = text(dependency, "scope", "compile");
      if ((scope.equals("compile") || scope.equals("runtime")) && !text(dependency, "optional", "false").equals("true")) {
        out.add(text(dependency, "artifactId", ""));
      }
    }
    return out;
  }

  private static Document parse(Path xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(xml.toFile());
  }

  private static List<String> childElements(Element parent, String container, String name) {
    return elements(child(parent, container), name).stream().map(Node::getTextContent).map(String::trim).toList();
  }

  private static Element child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    throw new AssertionError("no <" + name + "> in <" + parent.getTagName() + ">");
  }

  private static List<Element> elements(Element parent, String name) {
    List<Element> out = new java.util.ArrayList<>();
    NodeList children = parent.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i) instanceof Element e && e.getTagName().equals(name)) {
        out.add(e);
      }
    }
    return out;
  }

  private static String text(Element parent, String name, String otherwise) {
    NodeList found = parent.getElementsByTagName(name);
    return found.getLength() == 0 ? otherwise : found.item(0).getTextContent().trim();
  }
}
