package dev.llmops.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * What Maven Central requires of every published artifact, checked on the poms so a release cannot
 * fail validation for a missing field: name, description, url, licence, developers and scm (the
 * parent's, which published modules inherit, and the BOM's own, since it has no parent); the BOM
 * manages exactly the published modules; the release profile has every plugin a release needs.
 */
class ReleaseMetadataTest {
  private static final XPath XPATH = XPathFactory.newInstance().newXPath();
  private static final List<String> REQUIRED = List.of(
      "name", "description", "url", "licenses/license/name", "licenses/license/url",
      "developers/developer/name", "scm/connection", "scm/developerConnection", "scm/url", "issueManagement/url");

  private static Document pom(Path file) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(file.toFile());
  }

  private static String at(Document pom, String path) throws Exception {
    String expr = "/*[local-name()='project']/" + String.join("/", java.util.Arrays.stream(path.split("/"))
        .map(step -> "*[local-name()='" + step + "']").toList());
    return ((String) XPATH.evaluate(expr, pom, XPathConstants.STRING)).trim();
  }

  private static List<String> all(Document pom, String expr) throws Exception {
    NodeList nodes = (NodeList) XPATH.evaluate(expr, pom, XPathConstants.NODESET);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add(nodes.item(i).getTextContent().trim());
    }
    return out;
  }

  /** Modules with a module-info.java: the published libraries. */
  private static List<String> publishedLibraries(Path root) throws Exception {
    List<String> out = new ArrayList<>();
    for (String module : all(pom(root.resolve("pom.xml")), "//*[local-name()='modules']/*[local-name()='module']")) {
      if (Files.exists(root.resolve(module).resolve("src/main/java/module-info.java"))) {
        out.add(module);
      }
    }
    return out;
  }

  @Test
  void theParentAndTheBomCarryEveryFieldCentralRequires() throws Exception {
    Path root = ReadmeTest.root();
    for (Path file : List.of(root.resolve("pom.xml"), root.resolve("llmops-bom/pom.xml"))) {
      Document pom = pom(file);
      for (String field : REQUIRED) {
        assertThat(at(pom, field)).as(file + ": " + field).isNotBlank();
      }
      assertThat(at(pom, "licenses/license/name")).as(file + ": licence").isEqualTo("Apache-2.0");
    }
  }

  @Test
  void everyPublishedModuleHasANameADescriptionAndInheritsTheRest() throws Exception {
    Path root = ReadmeTest.root();
    List<String> published = publishedLibraries(root);
    assertThat(published).contains("llmops-api", "llmops-core", "llmops-spring-boot-starter");
    for (String module : published) {
      Document pom = pom(root.resolve(module).resolve("pom.xml"));
      assertThat(at(pom, "name")).as(module + ": name").isNotBlank();
      assertThat(at(pom, "description")).as(module + ": description").isNotBlank();
      assertThat(at(pom, "parent/artifactId")).as(module + ": inherits the metadata").isEqualTo("llmops-parent");
    }
  }

  @Test
  void theBomManagesExactlyThePublishedModules() throws Exception {
    Path root = ReadmeTest.root();
    List<String> managed = all(pom(root.resolve("llmops-bom/pom.xml")),
        "//*[local-name()='dependencyManagement']//*[local-name()='dependency']/*[local-name()='artifactId']");
    assertThat(managed).containsExactlyInAnyOrderElementsOf(publishedLibraries(root));
  }

  @Test
  void theReleaseProfileHasSourcesJavadocSigningSbomApiCheckAndUpload() throws Exception {
    Path root = ReadmeTest.root();
    List<String> plugins = all(pom(root.resolve("pom.xml")),
        "//*[local-name()='profile'][*[local-name()='id']='release']//*[local-name()='plugin']/*[local-name()='artifactId']");
    assertThat(plugins).contains("maven-source-plugin", "maven-javadoc-plugin", "maven-gpg-plugin",
        "cyclonedx-maven-plugin", "japicmp-maven-plugin", "central-publishing-maven-plugin");
    List<String> defaultPlugins = all(pom(root.resolve("pom.xml")),
        "/*[local-name()='project']/*[local-name()='build']/*[local-name()='plugins']/*[local-name()='plugin']/*[local-name()='artifactId']");
    // The resources plugin is in both: by default it puts LICENSE and NOTICE into the jar, in the
    // release profile into the javadoc jar too.
    List<String> releaseOnly = plugins.stream().filter(p -> !p.equals("maven-resources-plugin")).toList();
    assertThat(defaultPlugins).as("the default build stays fast").doesNotContainAnyElementsOf(releaseOnly);
  }

  @Test
  void theQuickstartProfileLeavesOutStaticAnalysisAndTestsInEveryModuleItBuilds() throws Exception {
    Path root = ReadmeTest.root();
    Document parent = pom(root.resolve("pom.xml"));
    String profile = "//*[local-name()='profile'][*[local-name()='id']='quickstart']";
    assertThat(all(parent, profile + "//*[local-name()='execution'][*[local-name()='phase']='none']/*[local-name()='id']"))
        .as("test resources, test compilation and tests unbound")
        .containsExactlyInAnyOrder("default-testResources", "default-testCompile", "default-test");
    assertThat(all(parent, profile + "/*[local-name()='properties']/*[starts-with(local-name(), 'llmops.errorprone.')]"))
        .as("Error Prone's arguments replaced by a no-op").hasSize(2).allMatch(arg -> arg.startsWith("-XD"));
    // A module that spells Error Prone's arguments out itself would keep -Xplugin:ErrorProne without
    // its processor path, and the quickstart would fail: they come from the properties only.
    for (String module : all(parent, "//*[local-name()='modules']/*[local-name()='module']")) {
      if (module.equals("benchmarks")) {
        continue; // not built by the quickstart (-pl examples -am)
      }
      assertThat(Files.readString(root.resolve(module).resolve("pom.xml"), StandardCharsets.UTF_8))
          .as(module + "/pom.xml").doesNotContain("-Xplugin:ErrorProne");
    }
  }

  @Test
  void theLicenceTextShipsAtTheRootAndIsPutInEveryJar() throws Exception {
    Path root = ReadmeTest.root();
    String licence = Files.readString(root.resolve("LICENSE"), StandardCharsets.UTF_8);
    assertThat(licence).contains("Apache License", "Version 2.0, January 2004");
    assertThat(root.resolve("NOTICE")).exists();
    // The build copies both into META-INF of each jar: this module's own classes show it worked.
    Path built = Path.of("target/classes/META-INF");
    assertThat(built.resolve("LICENSE")).hasSameTextualContentAs(root.resolve("LICENSE"));
    assertThat(built.resolve("NOTICE")).exists();
  }
}
