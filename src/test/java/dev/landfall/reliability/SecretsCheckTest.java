package dev.landfall.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.landfall.testing.LocalBigQuery;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * scripts/check_secrets.sh in a scratch git repository: it passes a clean one and fails on each
 * kind of committed credential, naming the file. The credentials are made up and assembled at
 * run time, so this file itself holds none for the check to find.
 */
class SecretsCheckTest {
  @TempDir Path repo;

  @BeforeEach
  void scratchRepository() throws Exception {
    Files.createDirectories(repo.resolve("scripts"));
    Files.copy(LocalBigQuery.findRepoRoot().resolve("scripts/check_secrets.sh"), repo.resolve("scripts/check_secrets.sh"),
        StandardCopyOption.COPY_ATTRIBUTES);
    Files.writeString(repo.resolve("README.md"), "landfall: no secrets here; see gs://bucket/key.txt\n");
    Files.writeString(repo.resolve(".gitignore"), "ignored/\n");
    git("init", "-q");
    git("add", "-A");
  }

  @Test
  void cleanRepository_passes() throws Exception {
    Result result = check();

    assertEquals(0, result.exit(), result.output());
    assertTrue(result.output().contains("no credentials in 3 tracked files"), result.output());
  }

  static Stream<Arguments> secrets() {
    String q = "\"";
    return Stream.of(
        Arguments.of("sa.json", "{" + q + "type" + q + ": " + q + "service" + "_account" + q + ", " + q + "project_id" + q
            + ": " + q + "p" + q + "}"),
        Arguments.of("adc.json", "{" + q + "type" + q + ": " + q + "authorized" + "_user" + q + "}"),
        Arguments.of("keyid.json", q + "private_key" + "_id" + q + ": " + q + "0123456789abcdef0123456789" + q),
        Arguments.of("oauth.json", q + "client" + "_secret" + q + ": " + q + "GOC" + "SPX-" + "a".repeat(28) + q),
        Arguments.of("refresh.json", q + "refresh" + "_token" + q + ": " + q + "1//0abcdefghijklmnop" + q),
        Arguments.of("key.txt", "-----BEGIN " + "RSA PRIVATE KEY" + "-----\nMIIEow\n"),
        Arguments.of("ssh.txt", "-----BEGIN " + "OPENSSH PRIVATE KEY" + "-----\nb3Bl\n"),
        Arguments.of("pgp.asc", "-----BEGIN " + "PGP PRIVATE KEY BLOCK" + "-----\n"),
        Arguments.of("config.js", "const key = '" + "AI" + "za" + "B".repeat(35) + "';"),
        Arguments.of("token.txt", "Authorization: Bearer " + "ya" + "29." + "c".repeat(30)),
        Arguments.of("aws.ini", "aws_access_key_id = " + "AK" + "IA" + "ABCDEFGHIJKLMNOP"),
        Arguments.of("aws2.ini", "aws_secret" + "_access_key = " + "abcd/EFGH+".repeat(4)),
        Arguments.of("gh.txt", "gh" + "p_" + "d".repeat(36)),
        Arguments.of("slack.txt", "xo" + "xb-" + "1234567890-abcdef"),
        Arguments.of("certs/server.pem", "anything"),
        Arguments.of("store.p12", "anything"),
        Arguments.of("app.jks", "anything"),
        Arguments.of("terraform/terraform.tfstate", "{}"),
        Arguments.of("deploy/credentials.json", "{}"),
        Arguments.of("landfall-sa-key.json", "{}"),
        Arguments.of(".env", "DB_PASSWORD=x"),
        Arguments.of("home/id_ed25519", "x"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("secrets")
  void committedCredential_fails(String file, String content) throws Exception {
    write(file, content);
    git("add", "-A");

    Result result = check();

    assertEquals(1, result.exit(), result.output());
    assertTrue(result.output().contains(file), "names " + file + ": " + result.output());
  }

  @Test
  void untrackedOrIgnoredCredential_isNotChecked() throws Exception {
    write("untracked.pem", "x");
    write("ignored/sa.json", "-----BEGIN " + "PRIVATE KEY" + "-----");

    Result result = check();

    assertEquals(0, result.exit(), result.output());
  }

  private record Result(int exit, String output) {}

  private Result check() throws IOException, InterruptedException {
    return run(List.of(repo.resolve("scripts/check_secrets.sh").toString()));
  }

  private void git(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.com"));
    command.addAll(List.of(args));
    Result result = run(command);
    assertEquals(0, result.exit(), "git " + String.join(" ", args) + ": " + result.output());
  }

  private Result run(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("check", ".out");
    try {
      Process process = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      assertTrue(process.waitFor(1, TimeUnit.MINUTES), "timed out: " + command);
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private void write(String file, String content) throws IOException {
    Path path = repo.resolve(file);
    Files.createDirectories(path.getParent());
    Files.writeString(path, content, StandardCharsets.UTF_8);
  }
}
