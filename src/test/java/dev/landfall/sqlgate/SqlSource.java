package dev.landfall.sqlgate;

/**
 * One piece of SQL the project deploys or runs, after {@code ${...}} substitution.
 *
 * @param file the repository path shown in findings, e.g. {@code routines/lake/raw_records.sql}
 * @param firstLine the file line where {@code sql} starts (1-based)
 * @param sql the substituted SQL (same line breaks as the file)
 * @param origin where it comes from
 * @param expectsError a fixture's {@code expect_error} step: it must parse, may fail analysis
 * @param label what runs it, e.g. {@code terraform/sql/scheduled_unpack.sql [transactions]}
 */
record SqlSource(
    String file, int firstLine, String sql, Origin origin, boolean expectsError, String label) {

  SqlSource(String file, int firstLine, String sql, Origin origin, boolean expectsError) {
    this(file, firstLine, sql, origin, expectsError, file);
  }

  enum Origin {
    /** routines/<service>/*.sql: deployed DDL, in deploy order. */
    ROUTINE,
    /** terraform/sql/*.sql: the scripts Cloud Scheduler runs. */
    SCHEDULED,
    /** SQL inside routines/* /tests/*.yaml fixtures. */
    FIXTURE,
    /** A query job the Java code sent while the tests ran (ExecutedSql): one job, one scope. */
    EXECUTED
  }

  /** The file line of a 1-based line inside {@code sql}. */
  int fileLine(int lineInSql) {
    return firstLine + lineInSql - 1;
  }
}
