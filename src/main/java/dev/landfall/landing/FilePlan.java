package dev.landfall.landing;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/** What a landing run knows of a file before reading its records: identity, size and header. */
public final class FilePlan implements Serializable {
  private static final long serialVersionUID = 1L;

  final String path;
  final String source;
  final long sizeBytes;
  final String contentSha256;
  /** The listing identity (see {@link FileListing#listingIdentity}), recorded in the ledger. */
  final String listingIdentity;
  /** Header line as in the file (for the ledger); null for an empty file. */
  final String rawHeader;
  /** Normalized header names (lake JSON keys); empty when there is no readable header. */
  final List<String> headerNames;
  /** Byte offset of the header record, skipped when reading data records; -1 when none. */
  final long headerOffset;
  /** Why the header could not be read, or null; then every record lands unparsed. */
  final String headerError;

  FilePlan(
      String path,
      String source,
      long sizeBytes,
      String contentSha256,
      String listingIdentity,
      String rawHeader,
      List<String> headerNames,
      long headerOffset,
      String headerError) {
    this.path = path;
    this.source = source;
    this.sizeBytes = sizeBytes;
    this.contentSha256 = contentSha256;
    this.listingIdentity = listingIdentity;
    this.rawHeader = rawHeader;
    this.headerNames = List.copyOf(headerNames);
    this.headerOffset = headerOffset;
    this.headerError = headerError;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FilePlan p
        && p.path.equals(path)
        && p.source.equals(source)
        && p.sizeBytes == sizeBytes
        && p.contentSha256.equals(contentSha256)
        && Objects.equals(p.listingIdentity, listingIdentity)
        && Objects.equals(p.rawHeader, rawHeader)
        && p.headerNames.equals(headerNames)
        && p.headerOffset == headerOffset
        && Objects.equals(p.headerError, headerError);
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, contentSha256);
  }
}
