package dev.landfall.erasure;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Cloud Storage landing bucket. The bucket is versioned (terraform/main.tf): a rewrite makes a
 * new generation and the old one noncurrent, kept by the lifecycle rule for
 * landing.noncurrent_version_retention_days; so after the rewrite every noncurrent generation of
 * the object is deleted by its generation number
 * (https://cloud.google.com/storage/docs/using-versioned-objects#delete). The upload carries
 * {@code ifGenerationMatch} of the fetched generation, so a file re-uploaded meanwhile is never
 * overwritten (https://cloud.google.com/storage/docs/request-preconditions), and the {@code sha256}
 * metadata scripts/upload_files.sh stamps, which the landing reads instead of the bytes.
 * Deleted generations stay soft-deleted (not readable, restorable by an admin) for the bucket's
 * soft delete retention, 7 days by default (https://cloud.google.com/storage/docs/soft-delete).
 */
final class GcsLandingStore implements LandingStore {
  private final Storage storage;
  private final String bucket;

  GcsLandingStore(Storage storage, String bucket) {
    this.storage = storage;
    this.bucket = bucket;
  }

  @Override
  public boolean holds(String sourceFile) {
    return sourceFile.startsWith("gs://" + bucket + "/");
  }

  private String objectName(String sourceFile) {
    return sourceFile.substring(("gs://" + bucket + "/").length());
  }

  @Override
  public Version fetch(String sourceFile, Path into) {
    Blob blob = storage.get(BlobId.of(bucket, objectName(sourceFile)));
    if (blob == null) {
      return null;
    }
    blob.downloadTo(into);
    return new Version(sourceFile, blob.getGeneration());
  }

  @Override
  public void replace(Version version, Path content, String sha256) throws IOException {
    BlobInfo info =
        BlobInfo.newBuilder(BlobId.of(bucket, objectName(version.sourceFile()), version.generation()))
            .setContentType("text/csv")
            .setMetadata(Map.of("sha256", sha256))
            .build();
    storage.createFrom(info, content, Storage.BlobWriteOption.generationMatch());
  }

  @Override
  public int deleteEarlierVersions(String sourceFile) {
    String name = objectName(sourceFile);
    int deleted = 0;
    for (Blob blob :
        storage
            .list(bucket, Storage.BlobListOption.prefix(name), Storage.BlobListOption.versions(true))
            .iterateAll()) {
      // Noncurrent generations have a deletion (noncurrent) time; the live one has none.
      if (blob.getName().equals(name) && blob.getDeleteTimeOffsetDateTime() != null) {
        if (storage.delete(BlobId.of(bucket, name, blob.getGeneration()))) {
          deleted++;
        }
      }
    }
    return deleted;
  }
}
