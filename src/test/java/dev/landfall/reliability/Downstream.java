package dev.landfall.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything downstream of the lake, read back as sorted text rows so two states can be compared
 * whole: the typed tables, duplicates, rejects and the analytics views. And the checks that no
 * table holds a business key twice.
 */
final class Downstream {
  private Downstream() {}

  /**
   * The content of every downstream table. With {@code provenance}, also the columns a rerun
   * in the same deployment must keep (load ids, run and unpack times); without, only what two
   * separate deployments fed the same files must agree on (file names, offsets, values).
   */
  static Map<String, List<String>> state(Sandbox s, boolean provenance) {
    String run = provenance ? ", load_id, CAST(ingestion_timestamp AS STRING) AS ingested" : "";
    String file = "REGEXP_EXTRACT(source_file, r'[^/]*$') AS file";
    Map<String, String> queries = new LinkedHashMap<>();
    queries.put("transactions.transactions",
        "SELECT transaction_id, customer_id, CAST(transaction_date AS STRING) AS d, CAST(amount AS STRING) AS a,"
            + " currency, merchant, category, " + file + ", source_offset, record_hash"
            + run + (provenance ? ", CAST(unpacked_at AS STRING) AS u" : "") + " FROM ${transactions}.transactions");
    queries.put("transactions.duplicates",
        "SELECT transaction_id, " + file + ", source_offset, REGEXP_EXTRACT(kept_source_file, r'[^/]*$') AS kept,"
            + " kept_source_offset" + run + " FROM ${transactions}.duplicates");
    queries.put("transactions.rejects",
        "SELECT " + file + ", source_offset, reason_code, reason, data_string" + run + " FROM ${transactions}.rejects");
    queries.put("customers.customers_history",
        "SELECT customer_id, first_name, last_name, email, CAST(date_of_birth AS STRING) AS dob, city, country,"
            + " CAST(updated_at AS STRING) AS upd, CAST(valid_from AS STRING) AS vf, CAST(valid_to AS STRING) AS vt,"
            + " is_current, " + file + ", source_offset" + run
            + (provenance ? ", CAST(unpacked_at AS STRING) AS u" : "") + " FROM ${customers}.customers_history");
    queries.put("customers.duplicates",
        "SELECT customer_id, " + file + ", source_offset" + run + " FROM ${customers}.duplicates");
    queries.put("customers.rejects",
        "SELECT " + file + ", source_offset, reason_code, reason, data_string" + run + " FROM ${customers}.rejects");
    queries.put("analytics.customer_lifetime_value",
        "SELECT customer_id, CAST(lifetime_value AS STRING) AS v, transaction_count,"
            + " CAST(first_transaction_date AS STRING) AS f, CAST(last_transaction_date AS STRING) AS l, value_rank"
            + " FROM ${analytics}.customer_lifetime_value");
    queries.put("analytics.monthly_spend",
        "SELECT customer_id, year, month, CAST(total_spend AS STRING) AS t, CAST(avg_monthly_spend_to_date AS STRING) AS a"
            + " FROM ${analytics}.monthly_spend");
    Map<String, List<String>> state = new LinkedHashMap<>();
    queries.forEach((table, sql) -> state.put(table, sorted(s.rows(sql))));
    return state;
  }

  /** Rows as sorted lines, cells separated by a tab and NULL spelt out. */
  static List<String> sorted(List<List<String>> rows) {
    List<String> lines = new ArrayList<>();
    for (List<String> row : rows) {
      lines.add(String.join("\t", row.stream().map(c -> c == null ? "NULL" : c).toList()));
    }
    lines.sort(null);
    return lines;
  }

  /** Asserts two states are equal table by table, naming the first table that differs. */
  static void assertSameState(Map<String, List<String>> expected, Map<String, List<String>> actual, String what) {
    assertEquals(expected.keySet(), actual.keySet(), what);
    for (String table : expected.keySet()) {
      List<String> e = expected.get(table);
      List<String> a = actual.get(table);
      if (!e.equals(a)) {
        List<String> missing = new ArrayList<>(e);
        missing.removeAll(a);
        List<String> extra = new ArrayList<>(a);
        extra.removeAll(e);
        assertEquals(e.size() + " rows", a.size() + " rows",
            what + ": " + table + " differs; missing " + head(missing) + ", extra " + head(extra));
        assertEquals(e, a, what + ": " + table + " differs; missing " + head(missing) + ", extra " + head(extra));
      }
    }
  }

  private static List<String> head(List<String> rows) {
    return rows.subList(0, Math.min(3, rows.size()));
  }

  /** Counts of rows that hold a key more than once, per check; all must be 0. */
  static Map<String, Long> duplicateKeys(Sandbox s) {
    Map<String, String> checks = new LinkedHashMap<>();
    checks.put("transactions per transaction_id",
        "SELECT COUNT(*) - COUNT(DISTINCT transaction_id) AS n FROM ${transactions}.transactions");
    // Versions of a customer tile time: each ends where the next starts, the last is open. (Two
    // different rows with the same updated_at give a zero-length version: allowed, it never
    // matches a point in time.)
    checks.put("customer versions that overlap or leave a gap",
        "SELECT COUNT(*) AS n FROM (SELECT valid_to, LEAD(valid_from) OVER (PARTITION BY customer_id"
            + " ORDER BY valid_from, valid_to IS NULL, valid_to) AS next_from FROM ${customers}.customers_history) AS v"
            + " WHERE (next_from IS NULL AND valid_to IS NOT NULL)"
            + " OR (next_from IS NOT NULL AND (valid_to IS NULL OR valid_to != next_from))");
    checks.put("current versions per customer",
        "SELECT COUNTIF(is_current) - COUNT(DISTINCT IF(is_current, customer_id, NULL)) AS n FROM ${customers}.customers_history");
    checks.put("customers_current per customer",
        "SELECT COUNT(*) - COUNT(DISTINCT customer_id) AS n FROM ${customers}.customers_current");
    for (String t : List.of("${transactions}.duplicates", "${transactions}.rejects", "${customers}.duplicates",
        "${customers}.rejects")) {
      checks.put(t + " per lake row",
          "SELECT COUNT(*) - COUNT(DISTINCT CONCAT(source_file, '|', CAST(source_offset AS STRING), '|', load_id)) AS n FROM " + t);
    }
    checks.put("lake rows in more than one of typed/duplicates/rejects (transactions)",
        "SELECT COUNT(*) AS n FROM (SELECT source_file, source_offset, load_id, COUNT(*) AS c FROM ("
            + " SELECT source_file, source_offset, load_id FROM ${transactions}.transactions UNION ALL"
            + " SELECT source_file, source_offset, load_id FROM ${transactions}.duplicates UNION ALL"
            + " SELECT source_file, source_offset, load_id FROM ${transactions}.rejects) AS o"
            + " GROUP BY source_file, source_offset, load_id HAVING COUNT(*) > 1) AS d");
    checks.put("lake rows in more than one of typed/duplicates/rejects (customers)",
        "SELECT COUNT(*) AS n FROM (SELECT source_file, source_offset, load_id, COUNT(*) AS c FROM ("
            + " SELECT source_file, source_offset, load_id FROM ${customers}.customers_history UNION ALL"
            + " SELECT source_file, source_offset, load_id FROM ${customers}.duplicates UNION ALL"
            + " SELECT source_file, source_offset, load_id FROM ${customers}.rejects) AS o"
            + " GROUP BY source_file, source_offset, load_id HAVING COUNT(*) > 1) AS d");
    checks.put("unpacked files per (source_file, load_id)",
        "SELECT (SELECT COUNT(*) - COUNT(DISTINCT CONCAT(source_file, '|', load_id)) FROM ${transactions}.unpacked_files)"
            + " + (SELECT COUNT(*) - COUNT(DISTINCT CONCAT(source_file, '|', load_id)) FROM ${customers}.unpacked_files) AS n");
    checks.put("snapshot rows per (snapshot_date, customer_id)",
        "SELECT COUNT(*) - COUNT(DISTINCT CONCAT(CAST(snapshot_date AS STRING), '|', customer_id)) AS n"
            + " FROM ${analytics}.top_customers_snapshots");
    checks.put("monthly_spend rows per (customer_id, year, month)",
        "SELECT COUNT(*) - COUNT(DISTINCT CONCAT(customer_id, '|', CAST(year AS STRING), '|', CAST(month AS STRING))) AS n"
            + " FROM ${analytics}.monthly_spend");
    checks.put("lifetime values per customer",
        "SELECT COUNT(*) - COUNT(DISTINCT customer_id) AS n FROM ${analytics}.customer_lifetime_value");
    Map<String, Long> found = new LinkedHashMap<>();
    checks.forEach((name, sql) -> found.put(name, s.count(sql)));
    return found;
  }

  static void assertNoDuplicateKeys(Sandbox s, String when) {
    Map<String, Long> found = duplicateKeys(s);
    Map<String, Long> nonZero = new LinkedHashMap<>();
    found.forEach((k, v) -> {
      if (v != 0) {
        nonZero.put(k, v);
      }
    });
    assertEquals(Map.of(), nonZero, when + ": keys held more than once");
    Figures.add("duplicates: key checks over downstream tables (all 0)", found.size());
  }

  /** Loads whose reconciliation is not balanced, per service (a crashed load shows here). */
  static List<List<String>> unbalancedLoads(Sandbox s) {
    List<List<String>> rows = new ArrayList<>();
    for (String service : List.of("customers", "transactions")) {
      for (List<String> row : s.rows("SELECT load_id, lake_rows, typed_rows, rejected_rows, duplicate_rows, status FROM ${"
          + service + "}.load_reconciliation WHERE status != 'balanced' ORDER BY load_id")) {
        List<String> r = new ArrayList<>(row);
        r.add(0, service);
        rows.add(r);
      }
    }
    return rows;
  }
}
