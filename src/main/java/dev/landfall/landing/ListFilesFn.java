package dev.landfall.landing;

import com.google.api.services.storage.model.StorageObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.extensions.gcp.options.GcsOptions;
import org.apache.beam.sdk.extensions.gcp.util.gcsfs.GcsPath;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.DoFn;

/**
 * Turns each matched file into its {@link FileListing}: its source and its listing identity,
 * with no byte of its content read. On Cloud Storage that is one metadata call, which also
 * brings the {@code sha256} the upload script stamps.
 */
final class ListFilesFn extends DoFn<MatchResult.Metadata, FileListing> {
  private final String fixedSource;

  ListFilesFn(String fixedSource) {
    this.fixedSource = fixedSource;
  }

  @ProcessElement
  public void processElement(ProcessContext context) throws IOException {
    MatchResult.Metadata file = context.element();
    String path = file.resourceId().toString();
    String source = fixedSource.isEmpty() ? SourceNames.fromPath(path) : fixedSource;
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
