package dev.landfall.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 18 §1: terraform/ runs no DDL as {@code google_bigquery_job} (it neither waits for the job
 * nor fails on its error, hashicorp/terraform-provider-google#9826); the routines are deployed by
 * {@code terraform_data.routines} through scripts/deploy.sh.
 */
class NoDdlJobsInTerraformTest {

  @Test
  void terraform_hasNoBigQueryJobsAndDeploysThroughTheDeployPath() throws IOException {
    Path terraform = Repo.root().resolve("terraform");
    Pattern job = Pattern.compile("(?m)^\\s*resource\\s+\"google_bigquery_job\"");
    List<Path> offenders;
    try (Stream<Path> files = Files.walk(terraform)) {
      offenders =
          files
              .filter(p -> p.toString().endsWith(".tf"))
              .filter(p -> job.matcher(read(p)).find())
              .toList();
    }

    assertEquals(List.of(), offenders);
    String routinesTf = read(terraform.resolve("routines.tf"));
    assertTrue(routinesTf.contains("resource \"terraform_data\" \"routines\""), routinesTf);
    assertTrue(routinesTf.contains("scripts/deploy.sh"), routinesTf);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
