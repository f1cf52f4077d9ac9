package dev.landfall.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@link TableSpec} of a {@code CREATE TABLE IF NOT EXISTS} statement: name, top-level
 * columns (type, {@code NOT NULL}, description), {@code PARTITION BY}, {@code CLUSTER BY} and the
 * table's description. It understands the subset of the DDL grammar the routines use and fails
 * loudly on anything else, so a DDL it cannot read never deploys as "unchanged".
 */
public final class TableDdl {

  private static final Pattern HEAD =
      Pattern.compile(
          "(?is)^\\s*CREATE\\s+TABLE\\s+IF\\s+NOT\\s+EXISTS\\s+(`[^`]+`|[A-Za-z0-9_.\\-]+)\\s*\\(");
  private static final Pattern COLUMN =
      Pattern.compile("(?is)^`?([A-Za-z_][A-Za-z0-9_]*)`?\\s+(.+)$");
  private static final Pattern DESCRIPTION =
      Pattern.compile("(?is)\\bdescription\\s*=\\s*('(?:[^'\\\\]|\\\\.|'')*'|\"(?:[^\"\\\\]|\\\\.)*\")");

  private TableDdl() {}

  /** The spec of a substituted CREATE TABLE statement; throws {@link DeployException} if unread. */
  public static TableSpec parse(String substitutedSql) {
    String sql = RoutineFile.stripComments(substitutedSql).strip();
    if (sql.endsWith(";")) {
      sql = sql.substring(0, sql.length() - 1).strip();
    }
    Matcher head = HEAD.matcher(sql);
    if (!head.find()) {
      throw new DeployException("not a CREATE TABLE IF NOT EXISTS statement with a column list");
    }
    String name = head.group(1).replace("`", "");
    int open = head.end() - 1;
    int close = matching(sql, open);
    List<TableSpec.Column> columns = new ArrayList<>();
    for (String part : splitTopLevel(sql.substring(open + 1, close), ',')) {
      columns.add(column(part.strip()));
    }
    String rest = sql.substring(close + 1);
    return new TableSpec(
        name, columns, partitioning(rest), clustering(rest), description(optionsOf(rest)));
  }

  private static TableSpec.Column column(String definition) {
    Matcher m = COLUMN.matcher(definition);
    if (!m.matches()) {
      throw new DeployException("cannot read column definition: " + definition);
    }
    String rest = m.group(2);
    int options = indexOfWord(rest, "OPTIONS");
    String typePart = options < 0 ? rest : rest.substring(0, options);
    String description = options < 0 ? null : description(rest.substring(options));
    boolean required = Pattern.compile("(?i)\\bNOT\\s+NULL\\b").matcher(typePart).find();
    String type =
        typePart.replaceAll("(?i)\\bNOT\\s+NULL\\b", "").replaceAll("\\s+", " ").strip();
    return new TableSpec.Column(m.group(1), canonicalType(type), required, description);
  }

  /** GoogleSQL type name, upper case, aliases resolved ({@code INTEGER} is {@code INT64}). */
  static String canonicalType(String type) {
    String t = type.toUpperCase(Locale.ROOT).replaceAll("\\s+", "");
    return switch (t) {
      case "INTEGER", "INT", "SMALLINT", "BIGINT", "TINYINT", "BYTEINT" -> "INT64";
      case "BOOLEAN" -> "BOOL";
      case "FLOAT" -> "FLOAT64";
      case "DECIMAL" -> "NUMERIC";
      case "BIGDECIMAL" -> "BIGNUMERIC";
      default -> t;
    };
  }

  private static String partitioning(String rest) {
    Matcher m =
        Pattern.compile("(?is)\\bPARTITION\\s+BY\\s+(.+?)(?=\\bCLUSTER\\s+BY\\b|\\bOPTIONS\\b|$)")
            .matcher(rest);
    if (!m.find()) {
      return null;
    }
    return normalizePartitioning(m.group(1).strip());
  }

  /** {@code DATE(ts)} → {@code DAY(ts)}, {@code DATE_TRUNC(d, MONTH)} → {@code MONTH(d)}, ... */
  static String normalizePartitioning(String expression) {
    String e = expression.replace("`", "").replaceAll("\\s+", "");
    Matcher trunc =
        Pattern.compile("(?i)(?:DATE|TIMESTAMP|DATETIME)_TRUNC\\(([A-Za-z0-9_]+),([A-Za-z]+)\\)")
            .matcher(e);
    if (trunc.matches()) {
      return trunc.group(2).toUpperCase(Locale.ROOT) + "(" + trunc.group(1) + ")";
    }
    Matcher date = Pattern.compile("(?i)DATE\\(([A-Za-z0-9_]+)\\)").matcher(e);
    if (date.matches()) {
      return "DAY(" + partitionColumn(date.group(1)) + ")";
    }
    if (e.matches("(?i)_PARTITIONDATE|[A-Za-z_][A-Za-z0-9_]*")) {
      return "DAY(" + partitionColumn(e) + ")";
    }
    Matcher range = Pattern.compile("(?i)RANGE_BUCKET\\(([A-Za-z0-9_]+),.*").matcher(e);
    if (range.matches()) {
      return "RANGE(" + range.group(1) + ")";
    }
    return e.toUpperCase(Locale.ROOT);
  }

  private static String partitionColumn(String column) {
    return column.equalsIgnoreCase("_PARTITIONTIME") || column.equalsIgnoreCase("_PARTITIONDATE")
        ? "_PARTITIONTIME"
        : column;
  }

  private static List<String> clustering(String rest) {
    Matcher m =
        Pattern.compile("(?is)\\bCLUSTER\\s+BY\\s+(.+?)(?=\\bOPTIONS\\b|\\bPARTITION\\s+BY\\b|$)")
            .matcher(rest);
    if (!m.find()) {
      return List.of();
    }
    List<String> columns = new ArrayList<>();
    for (String c : m.group(1).split(",")) {
      columns.add(c.replace("`", "").strip());
    }
    return columns;
  }

  private static String optionsOf(String rest) {
    int at = indexOfWord(rest, "OPTIONS");
    return at < 0 ? "" : rest.substring(at);
  }

  private static String description(String options) {
    Matcher m = DESCRIPTION.matcher(options);
    return m.find() ? unquote(m.group(1)) : null;
  }

  /** The value of a GoogleSQL string literal ({@code ''} and backslash escapes). */
  static String unquote(String literal) {
    char quote = literal.charAt(0);
    String body = literal.substring(1, literal.length() - 1);
    StringBuilder out = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\\' && i + 1 < body.length()) {
        char n = body.charAt(++i);
        out.append(
            switch (n) {
              case 'n' -> '\n';
              case 't' -> '\t';
              case 'r' -> '\r';
              default -> n;
            });
      } else if (c == quote && i + 1 < body.length() && body.charAt(i + 1) == quote) {
        out.append(quote);
        i++;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Index of {@code word} outside quotes and brackets, or -1. */
  private static int indexOfWord(String s, String word) {
    Matcher m = Pattern.compile("(?i)\\b" + word + "\\b").matcher(s);
    while (m.find()) {
      if (depthAt(s, m.start()) == 0) {
        return m.start();
      }
    }
    return -1;
  }

  private static int depthAt(String s, int end) {
    int depth = 0;
    char quote = 0;
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
      } else if (c == '(' || c == '<') {
        depth++;
      } else if (c == ')' || c == '>') {
        depth--;
      }
    }
    return quote != 0 ? -1 : depth;
  }

  private static int matching(String s, int open) {
    int depth = 0;
    char quote = 0;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
    }
    throw new DeployException("unbalanced parentheses in the column list");
  }

  /** Splits on {@code separator} outside quotes, parentheses and angle brackets. */
  static List<String> splitTopLevel(String s, char separator) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    char quote = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
      } else if (c == '(' || c == '<') {
        depth++;
      } else if (c == ')' || c == '>') {
        depth--;
      } else if (c == separator && depth == 0) {
        parts.add(s.substring(start, i));
        start = i + 1;
      }
    }
    if (!s.substring(start).isBlank()) {
      parts.add(s.substring(start));
    }
    return parts;
  }
}
