package dev.landfall.erasure;

import java.util.List;

/**
 * What {@code CALL privacy.erase_customer} returned: its status and the rows it changed (or, in a
 * dry run, would change) per table.
 *
 * @param status {@code erased}, {@code dry_run}, {@code unknown_customer} or {@code
 *     already_erased}
 */
public record ErasureResult(String status, String transactionsMode, List<TableCount> counts) {

  /** Rows deleted or rewritten in one table ({@code <package>.<table>}). */
  public record TableCount(String table, long rows) {}

  public long totalRows() {
    return counts.stream().mapToLong(TableCount::rows).sum();
  }

  public long rows(String table) {
    return counts.stream().filter(c -> c.table().equals(table)).mapToLong(TableCount::rows).sum();
  }

  public boolean changedData() {
    return "erased".equals(status);
  }
}
