package dev.landfall.erasure;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where the landing copies live: a local folder (the local engine's stand-in for the bucket) or
 * the Cloud Storage landing bucket. The erase command fetches a file, rewrites it locally, and
 * replaces it only if nobody changed it meanwhile.
 */
interface LandingStore {

  /** One version of a landing file, as fetched. */
  record Version(String sourceFile, long generation) {}

  /** Whether {@code sourceFile} (a lake source_file) is a file of this store. */
  boolean holds(String sourceFile);

  /** Copies the file's current content into {@code into}; null when the file no longer exists. */
  Version fetch(String sourceFile, Path into) throws IOException;

  /**
   * Replaces the fetched version with {@code content}; fails (changing nothing) when the file
   * changed since it was fetched.
   *
   * @param sha256 hex SHA-256 of {@code content}, stored where the landing reads it
   */
  void replace(Version version, Path content, String sha256) throws IOException;

  /** Deletes every earlier version of the file that the store keeps; returns how many. */
  int deleteEarlierVersions(String sourceFile) throws IOException;
}
