package dev.landfall.landing;

import com.google.api.services.storage.model.StorageObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.beam.sdk.extensions.gcp.options.GcsOptions;
import org.apache.beam.sdk.extensions.gcp.util.gcsfs.GcsPath;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each matched file into its {@link FileListing}: its source and its listing identity,
 * with no byte of its content read. On Cloud Storage that is one metadata call, which also
 * brings the {@code sha256} the upload script stamps. A file that matches no configured source is
 * not landed: it is reported (an ERROR line naming it, the {@code unmatchedFiles} counter) on
 * every run until it is moved or its source configured.
 */
final class ListFilesFn extends DoFn<MatchResult.Metadata, FileListing> {
  private static final Logger LOG = LoggerFactory.getLogger(ListFilesFn.class);

  private final String fixedSource;
  private final String onlySource;
  private final SourceRules rules;
  private final String root;
  private transient Counter unmatched;

  /**
   * @param fixedSource the source of every file, or empty to apply {@code rules}
   * @param onlySource with {@code rules}: the one source whose files this run lands (the others'
   *     runs land theirs), or empty for every source
   * @param root the landing root the rules' paths are relative to
   */
  ListFilesFn(String fixedSource, String onlySource, SourceRules rules, String root) {
    if (!onlySource.isEmpty() && !rules.names().contains(onlySource)) {
      throw new IllegalArgumentException(
          "--onlySource " + onlySource + " is not in --sourceRules (" + String.join(", ", rules.names()) + ")");
    }
    this.fixedSource = fixedSource;
    this.onlySource = onlySource;
    this.rules = rules;
    this.root = root;
  }

  @Setup
  public void setup() {
    unmatched = Metrics.counter(LandingMetrics.NAMESPACE, LandingMetrics.UNMATCHED_FILES);
  }

  @ProcessElement
  public void processElement(ProcessContext context) throws IOException {
    MatchResult.Metadata file = context.element();
    String path = file.resourceId().toString();
    String source = fixedSource;
    if (source.isEmpty()) {
      Optional<String> matched = rules.sourceOf(SourceRules.relativize(root, path));
      if (matched.isEmpty()) {
        LOG.error(
            "Not landed: {} matches no configured source ({}); move it under a source's folder,"
                + " name it <source>_..., or add a glob to its source's paths in config.yaml",
            path,
            String.join(", ", rules.names()));
        unmatched.inc();
        return;
      }
      source = matched.get();
      if (!onlySource.isEmpty() && !onlySource.equals(source)) {
        return; // another source's file: its own scheduled run lands it
      }
    }
    if ("gs".equals(file.resourceId().getScheme())) {
      StorageObject object =
          context.getPipelineOptions().as(GcsOptions.class).getGcsUtil().getObject(GcsPath.fromResourceName(path));
      String declared = ContentHashes.declared(object.getMetadata());
      context.output(
          new FileListing(path, source, file.sizeBytes(), gcsIdentity(object), declared, declared != null));
    } else {
      context.output(new FileListing(path, source, file.sizeBytes(), localIdentity(file), null, false));
    }
  }

  /**
   * A generation names one immutable version of an object: an overwrite, even with the same
   * bytes, gets a new one; a metadata update does not (it changes the metageneration).
   * https://cloud.google.com/storage/docs/metadata#generation-number
   */
  static String gcsIdentity(StorageObject object) {
    if (object.getGeneration() == null) {
      throw new IllegalStateException("Cloud Storage returned no generation for " + object.getName());
    }
    return "gs-generation:" + object.getGeneration();
  }

  /**
   * Local files have no generation: size and modification time, as make and rsync judge. The
   * time is read here: FileIO.match's own shuffle drops it from the file's metadata.
   */
  static String localIdentity(MatchResult.Metadata file) throws IOException {
    long modified = file.lastModifiedMillis();
    if ("file".equals(file.resourceId().getScheme())) {
      modified = Files.getLastModifiedTime(Path.of(file.resourceId().toString())).toMillis();
    }
    return "size:" + file.sizeBytes() + ",mtime:" + modified;
  }
}
