package dev.landfall.sqlgate;

/**
 * A statement ZetaSQL rejects (as BigQuery would) or a scan the audit flags.
 *
 * @param check "parse", "analyze" or "scan"
 * @param file repository path
 * @param line file line
 * @param statement the statement's text (matched by allow-list entries)
 * @param message ZetaSQL's message, or the audit's
 */
record Finding(String check, String file, int line, String statement, String message) {

  @Override
  public String toString() {
    return file + ":" + line + ": [" + check + "] " + message;
  }
}
