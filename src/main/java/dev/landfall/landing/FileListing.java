package dev.landfall.landing;

import java.io.Serializable;
import java.util.Objects;

/**
 * A matched file as its listing shows it, before any of its bytes are read: path, source, size
 * and the listing identity that says whether this very object was landed before (CONTRACT §2,
 * {@code lake.landed_files.listing_identity}). The content hash is filled in only for files the
 * ledger does not know by their identity.
 */
final class FileListing implements Serializable {
  private static final long serialVersionUID = 1L;

  final String path;
  final String source;
  final long sizeBytes;
  /**
   * {@code gs-generation:<n>} on Cloud Storage (a generation names one immutable version of an
   * object: an overwrite gets a new one, a metadata update does not); {@code size:<n>,mtime:<ms>}
   * for local files.
   */
  final String listingIdentity;
  /** Hex SHA-256 of the content, or null while not known (no upload metadata, not hashed yet). */
  final String contentSha256;
  /** Whether {@link #contentSha256} came from the object's upload metadata (for the log). */
  final boolean hashFromMetadata;

  FileListing(
      String path,
      String source,
      long sizeBytes,
      String listingIdentity,
      String contentSha256,
      boolean hashFromMetadata) {
    this.path = path;
    this.source = source;
    this.sizeBytes = sizeBytes;
    this.listingIdentity = listingIdentity;
    this.contentSha256 = contentSha256;
    this.hashFromMetadata = hashFromMetadata;
  }

  FileListing withContentSha256(String sha256) {
    return new FileListing(path, source, sizeBytes, listingIdentity, sha256, false);
  }

  /** The ledger key of this listing: path and identity. */
  String listingKey() {
    return key(path, listingIdentity);
  }

  /** The ledger key of this content: source and hash. */
  String contentKey() {
    return key(source, contentSha256);
  }

  static String key(String a, String b) {
    return a + '\n' + b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileListing f
        && f.path.equals(path)
        && f.source.equals(source)
        && f.sizeBytes == sizeBytes
        && f.listingIdentity.equals(listingIdentity)
        && Objects.equals(f.contentSha256, contentSha256)
        && f.hashFromMetadata == hashFromMetadata;
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, listingIdentity);
  }

  @Override
  public String toString() {
    return path + " (" + source + ", " + sizeBytes + " bytes, " + listingIdentity + ")";
  }
}
