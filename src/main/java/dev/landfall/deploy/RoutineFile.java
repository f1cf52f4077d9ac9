package dev.landfall.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One {@code routines/<service>/<object>.sql} file: its service, the kind of object it creates
 * (detected from its first statement), and its SQL before placeholder substitution.
 *
 * @param displayPath the path as shown in messages, e.g. {@code routines/lake/raw_records.sql}
 */
public record RoutineFile(
    Path path,
    String displayPath,
    String service,
    Kind kind,
    boolean orReplace,
    boolean ifNotExists,
    String sql) {

  /** The order in which the deploy step applies services that have a fixed place. */
  public static final List<String> SERVICE_ORDER =
      List.of("lake", "customers", "transactions", "analytics", "privacy");

  /** Object kinds, in the order they are applied within a service. */
  public enum Kind {
    TABLE("table"),
    FUNCTION("function"),
    TABLE_FUNCTION("table function"),
    VIEW("view"),
    PROCEDURE("procedure"),
    OTHER("statement");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\$\\{|%%\\{|\\$\\{([^}]*)}|%\\{");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * Every {@code routines/<service>/*.sql} file (not those in {@code tests/} or {@code
   * migrations/}, which are fixtures and migrations), in
   * deploy order: services lake, customers, transactions, analytics, then any other alphabetically;
   * within a service by kind, then by path.
   */
  public static List<RoutineFile> discover(Path routinesDir) {
    if (!Files.isDirectory(routinesDir)) {
      throw new IllegalArgumentException("routines folder not found: " + routinesDir);
    }
    List<RoutineFile> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(routinesDir)) {
      for (Path path : walk.filter(Files::isRegularFile).sorted().toList()) {
        Path relative = routinesDir.relativize(path);
        if (!path.getFileName().toString().endsWith(".sql")
            || relative.getNameCount() != 2) {
          continue;
        }
        String display = routinesDir.getFileName() + "/" + relative.toString().replace('\\', '/');
        files.add(read(path, display, relative.getName(0).toString()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + routinesDir, e);
    }
    files.sort(DEPLOY_ORDER);
    return files;
  }

  /** Deploy order: fixed services first, then other services by name; then kind; then path. */
  public static final Comparator<RoutineFile> DEPLOY_ORDER =
      Comparator.comparing((RoutineFile f) -> serviceRank(f.service()))
          .thenComparing(RoutineFile::service)
          .thenComparing(RoutineFile::kind)
          .thenComparing(RoutineFile::displayPath);

  static int serviceRank(String service) {
    int rank = SERVICE_ORDER.indexOf(service);
    return rank < 0 ? SERVICE_ORDER.size() : rank;
  }

  static RoutineFile read(Path path, String displayPath, String service) {
    String sql;
    try {
      sql = Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + displayPath, e);
    }
    return parse(path, displayPath, service, sql);
  }

  /** Classifies {@code sql} by its first statement. */
  static RoutineFile parse(Path path, String displayPath, String service, String sql) {
    List<String> words = leadingWords(sql, 10);
    Kind kind = Kind.OTHER;
    boolean orReplace = false;
    boolean ifNotExists = false;
    if (!words.isEmpty() && words.get(0).equals("CREATE")) {
      int i = 1;
      if (i + 1 < words.size() && words.get(i).equals("OR") && words.get(i + 1).equals("REPLACE")) {
        orReplace = true;
        i += 2;
      }
      while (i < words.size()
          && List.of("TEMP", "TEMPORARY", "MATERIALIZED", "SNAPSHOT", "EXTERNAL")
              .contains(words.get(i))) {
        i++;
      }
      String first = i < words.size() ? words.get(i) : "";
      String second = i + 1 < words.size() ? words.get(i + 1) : "";
      if (first.equals("TABLE") && second.equals("FUNCTION")) {
        kind = Kind.TABLE_FUNCTION;
        i += 2;
      } else if (first.equals("TABLE")) {
        kind = Kind.TABLE;
        i += 1;
      } else if (first.equals("FUNCTION") || first.equals("AGGREGATE")) {
        kind = Kind.FUNCTION;
        i += first.equals("AGGREGATE") ? 2 : 1;
      } else if (first.equals("VIEW")) {
        kind = Kind.VIEW;
        i += 1;
      } else if (first.equals("PROCEDURE")) {
        kind = Kind.PROCEDURE;
        i += 1;
      }
      ifNotExists =
          i + 2 < words.size()
              && words.get(i).equals("IF")
              && words.get(i + 1).equals("NOT")
              && words.get(i + 2).equals("EXISTS");
    }
    return new RoutineFile(path, displayPath, service, kind, orReplace, ifNotExists, sql);
  }

  /**
   * Why this file would not redeploy cleanly, or null: tables must be {@code CREATE TABLE IF NOT
   * EXISTS} (a redeploy must never drop landed data), everything else {@code CREATE OR REPLACE} (a
   * redeploy must update it).
   */
  public String idempotencyProblem() {
    return switch (kind) {
      case TABLE ->
          orReplace
              ? "CREATE OR REPLACE TABLE would drop the table's data on every deploy;"
                  + " use CREATE TABLE IF NOT EXISTS"
              : ifNotExists ? null : "use CREATE TABLE IF NOT EXISTS so that a redeploy succeeds";
      case FUNCTION, TABLE_FUNCTION, VIEW, PROCEDURE ->
          orReplace
              ? null
              : "use CREATE OR REPLACE "
                  + kind.label().toUpperCase(Locale.ROOT)
                  + " so that a redeploy updates it";
      case OTHER -> null;
    };
  }

  /**
   * The SQL with {@code ${name}} replaced from {@code variables}, Terraform {@code templatefile}
   * style: {@code $${} and {@code %%{} stand for a literal {@code ${} and {@code %{}; a bare
   * {@code %{} (a Terraform directive) is an error, as is an unknown name.
   */
  public String substitute(Map<String, String> variables) {
    Matcher m = PLACEHOLDER.matcher(sql);
    StringBuilder out = new StringBuilder();
    List<String> problems = new ArrayList<>();
    while (m.find()) {
      String token = m.group();
      String replacement;
      if (token.equals("$${")) {
        replacement = "${";
      } else if (token.equals("%%{")) {
        replacement = "%{";
      } else if (token.equals("%{")) {
        problems.add(
            "line "
                + lineOf(m.start())
                + ": '%{' is a Terraform template directive; write '%%{' for a literal");
        replacement = token;
      } else {
        String name = m.group(1).strip();
        String value = IDENTIFIER.matcher(name).matches() ? variables.get(name) : null;
        if (value == null) {
          problems.add(
              "line "
                  + lineOf(m.start())
                  + ": unknown placeholder ${"
                  + m.group(1)
                  + "} (known: "
                  + String.join(", ", variables.keySet().stream().sorted().toList())
                  + ")");
          replacement = token;
        } else {
          replacement = value;
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    if (!problems.isEmpty()) {
      throw new DeployException(displayPath + ": " + String.join("; ", problems));
    }
    return out.toString();
  }

  /**
   * The name of the object the (substituted) SQL creates, e.g. {@code lake.raw_records}, or null
   * for a statement that creates nothing.
   */
  public static String objectName(String substitutedSql) {
    String code = stripComments(substitutedSql);
    Matcher m =
        Pattern.compile(
                "(?is)^\\s*CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:(?:TEMP|TEMPORARY|MATERIALIZED"
                    + "|SNAPSHOT|EXTERNAL)\\s+)?(?:TABLE\\s+FUNCTION|AGGREGATE\\s+FUNCTION|TABLE"
                    + "|FUNCTION|VIEW|PROCEDURE)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?"
                    + "(`[^`]+`|[A-Za-z0-9_.\\-]+)")
            .matcher(code);
    return m.find() ? m.group(1).replace("`", "") : null;
  }

  private int lineOf(int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (sql.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /** The first {@code max} words of the SQL, upper-cased, comments skipped. */
  static List<String> leadingWords(String sql, int max) {
    List<String> words = new ArrayList<>();
    Matcher m = Pattern.compile("[A-Za-z_]+|\\S").matcher(stripComments(sql));
    while (m.find() && words.size() < max) {
      words.add(m.group().toUpperCase(Locale.ROOT));
    }
    return words;
  }

  /** The SQL with {@code --}, {@code #} and block comments blanked (string literals kept). */
  static String stripComments(String sql) {
    return strip(sql, false);
  }

  /**
   * The SQL with comments and string literals blanked (quoted identifiers kept): what names
   * objects, not what describes them ({@code OPTIONS (description = '... transactions.unpack()')}).
   */
  static String stripCommentsAndStrings(String sql) {
    return strip(sql, true);
  }

  private static String strip(String sql, boolean blankStrings) {
    StringBuilder out = new StringBuilder(sql.length());
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      char next = i + 1 < sql.length() ? sql.charAt(i + 1) : '\0';
      if (c == '-' && next == '-' || c == '#') {
        while (i < sql.length() && sql.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && next == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? sql.length() : end + 2;
        out.append(' ');
      } else if (c == '\'' || c == '"' || c == '`') {
        int end = i + 1;
        while (end < sql.length() && sql.charAt(end) != c) {
          end += sql.charAt(end) == '\\' ? 2 : 1;
        }
        end = Math.min(end + 1, sql.length());
        out.append(blankStrings && c != '`' ? "''" : sql.substring(i, end));
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
