package dev.landfall.landing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Static checks of the Flex Template Dockerfile (no Docker engine here): the launcher base
 * image, a main class that exists, and a classpath that is the jar Maven builds.
 */
class DockerfileTest {
  private static final Path DOCKERFILE = Path.of("Dockerfile");

  @Test
  void dockerfile_usesTheJava17LauncherBase() throws IOException {
    String text = Files.readString(DOCKERFILE);

    assertTrue(text.contains("java17-template-launcher-base"), "Java 17 launcher base image");
    assertTrue(text.contains("ENTRYPOINT [\"/opt/google/dataflow/java_template_launcher\"]"));
    // A pinned release (issue 18 §5): ":latest" or no tag would change under a rebuild.
    java.util.regex.Matcher base =
        java.util.regex.Pattern.compile("(?m)^ARG LAUNCHER_IMAGE=\\S+:(\\S+)$").matcher(text);
    assertTrue(base.find(), "ARG LAUNCHER_IMAGE=<image>:<tag>");
    assertTrue(base.group(1).matches("\\d{8}_RC\\d{2}"), "pinned launcher tag, got " + base.group(1));
  }

  @Test
  void dockerfile_mainClassExistsWithStaticMain() throws Exception {
    String mainClass = env("FLEX_TEMPLATE_JAVA_MAIN_CLASS");

    Method main = Class.forName(mainClass).getMethod("main", String[].class);

    assertTrue(Modifier.isStatic(main.getModifiers()));
  }

  @Test
  void dockerfile_classpathIsTheShadedJarItCopies() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
    assertTrue(finalName.find(), "shade plugin finalName");
    String jar = finalName.group(1) + ".jar";

    List<String> lines = Files.readAllLines(DOCKERFILE);

    assertTrue(lines.stream().anyMatch(l -> l.startsWith("COPY target/" + jar + " ")), "COPY of " + jar);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("COPY metadata.json ")), "COPY of metadata.json");
    assertEquals("${TEMPLATE_DIR}/" + jar, env("FLEX_TEMPLATE_JAVA_CLASSPATH"));
  }

  private static String env(String name) throws IOException {
    Matcher m =
        Pattern.compile("^ENV " + name + "=\"([^\"]+)\"$", Pattern.MULTILINE)
            .matcher(Files.readString(DOCKERFILE));
    assertTrue(m.find(), "ENV " + name);
    return m.group(1);
  }
}
