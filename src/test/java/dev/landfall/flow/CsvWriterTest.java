package dev.landfall.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CsvWriterTest {
  @Test
  void quote_neutralizesCellsASpreadsheetWouldRun() {
    assertEquals("'=cmd|' /C calc'!A0", CsvWriter.quote("=cmd|' /C calc'!A0"));
    assertEquals("'+SUM(1+1)", CsvWriter.quote("+SUM(1+1)"));
    assertEquals("'-2+3+cmd|' /C calc'!A0", CsvWriter.quote("-2+3+cmd|' /C calc'!A0"));
    assertEquals("'@SUM(1+1)", CsvWriter.quote("@SUM(1+1)"));
    assertEquals("'\t=1+1", CsvWriter.quote("\t=1+1"));
    assertEquals("\"'\r=1+1\"", CsvWriter.quote("\r=1+1"));
    // Quoting still applies after the prefix.
    assertEquals("\"'=HYPERLINK(\"\"http://x/\"\",\"\"Click\"\")\"",
        CsvWriter.quote("=HYPERLINK(\"http://x/\",\"Click\")"));
  }

  @Test
  void quote_keepsNumbersAndOrdinaryText() {
    assertEquals("-12.50", CsvWriter.quote("-12.50"));
    assertEquals("+3", CsvWriter.quote("+3"));
    assertEquals("1.5E+3", CsvWriter.quote("1.5E+3"));
    assertEquals("Priya Okafor", CsvWriter.quote("Priya Okafor"));
    assertEquals("a=b", CsvWriter.quote("a=b"));
    assertEquals("\"a,b\"", CsvWriter.quote("a,b"));
    assertEquals("", CsvWriter.quote(""));
    assertEquals("", CsvWriter.quote(null));
  }
}
