package dev.landfall.sqlgate;

import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedStatement;

/**
 * One statement the analyzer resolved, with where it runs.
 *
 * @param file repository path of the statement
 * @param line file line of its first token
 * @param text the statement as analyzed
 * @param unit what runs it: a procedure ({@code transactions.unpack}), a scheduled script, a
 *     fixture, or the DDL file itself
 * @param scheduled run by Cloud Scheduler (a procedure the scheduled scripts call, or those
 *     scripts): the scan audit's scope
 * @param afterEarlyReturn comes after an {@code IF ... THEN ... RETURN; END IF} guard, so a call
 *     with nothing to do never runs it
 * @param resolved ZetaSQL's resolved statement
 * @param conditions the enclosing IF conditions, outermost first ("ELSE " before an else branch's)
 */
record AnalyzedStatement(
    String file,
    int line,
    String text,
    String unit,
    boolean scheduled,
    boolean afterEarlyReturn,
    ResolvedStatement resolved,
    java.util.List<String> conditions) {

  String where() {
    return file + ":" + line;
  }

  /** The first line of the statement, for reports. */
  String headline() {
    String first = text.strip().lines().findFirst().orElse("");
    return first.length() > 90 ? first.substring(0, 87) + "..." : first;
  }
}
