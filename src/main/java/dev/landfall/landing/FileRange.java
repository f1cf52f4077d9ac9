package dev.landfall.landing;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One byte range of one file to land: the unit of parallel reading. Carries its file's header
 * (read once per file by {@link PlanFilesFn}) so no range re-reads it.
 */
public final class FileRange implements Serializable {
  private static final long serialVersionUID = 1L;

  final FilePlan file;
  final int index;
  final long start;
  final long end;
  /** Odd number of quote bytes before {@link #start}: the range starts inside a quoted field. */
  final boolean insideQuotesAtStart;

  FileRange(FilePlan file, int index, long start, long end, boolean insideQuotesAtStart) {
    this.file = file;
    this.index = index;
    this.start = start;
    this.end = end;
    this.insideQuotesAtStart = insideQuotesAtStart;
  }

  FileRange withStartState(boolean inside) {
    return new FileRange(file, index, start, end, inside);
  }

  /** Splits a planned file into ranges of at most {@code splitSize} bytes. */
  static List<FileRange> split(FilePlan file, long splitSize) {
    java.util.ArrayList<FileRange> ranges = new java.util.ArrayList<>();
    long size = file.sizeBytes;
    int index = 0;
    for (long start = 0; start < size; start += splitSize) {
      ranges.add(new FileRange(file, index++, start, Math.min(size, start + splitSize), false));
    }
    return ranges;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileRange r
        && r.file.path.equals(file.path)
        && r.index == index
        && r.start == start
        && r.end == end
        && r.insideQuotesAtStart == insideQuotesAtStart;
  }

  @Override
  public int hashCode() {
    return Objects.hash(file.path, index, start, end, insideQuotesAtStart);
  }

  @Override
  public String toString() {
    return file.path + "[" + index + ": " + start + ".." + end + ")";
  }
}
