package dev.landfall.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.landfall.csv.CsvFieldParser;
import dev.landfall.csv.ParsedRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTest {
  @TempDir Path dir;

  @Test
  void write_splitOverFilesHoldsTheSameRecords() throws IOException {
    Generator generator = new Generator(3);

    List<Path> one = generator.write(Generator.Kind.TRANSACTIONS, dir.resolve("one"), "t_one", 0, 1000, 1);
    List<Path> eight = generator.write(Generator.Kind.TRANSACTIONS, dir.resolve("eight"), "t_eight", 0, 1000, 8);

    assertEquals(8, eight.size());
    List<String> split = new ArrayList<>();
    for (Path file : eight) {
      List<String> lines = Files.readAllLines(file);
      assertEquals(lines.get(0), Files.readAllLines(one.get(0)).get(0), "every file has the header");
      split.addAll(lines.subList(1, lines.size()));
    }
    List<String> whole = Files.readAllLines(one.get(0));
    assertEquals(whole.subList(1, whole.size()), split);
  }

  @Test
  void write_isDeterministicAndEveryRecordParsesToTheHeaderWidth() throws IOException {
    for (Generator.Kind kind : Generator.Kind.values()) {
      Path a = new Generator(5).write(kind, dir.resolve("a"), kind + "_x", 10, 500, 1).get(0);
      Path b = new Generator(5).write(kind, dir.resolve("b"), kind + "_x", 10, 500, 1).get(0);
      assertEquals(Files.readString(a), Files.readString(b));

      List<String> lines = Files.readAllLines(a, StandardCharsets.UTF_8);
      CsvFieldParser parser = new CsvFieldParser();
      int width = parse(parser, lines.get(0)).fields().size();
      boolean quoted = false;
      for (String line : lines.subList(1, lines.size())) {
        ParsedRecord parsed = parse(parser, line);
        assertTrue(parsed.isValid(), line);
        assertEquals(width, parsed.fields().size(), line);
        quoted |= line.contains("\"");
      }
      if (kind == Generator.Kind.TRANSACTIONS) {
        assertTrue(quoted, "some fields are quoted, so the parser's quoted path is measured");
      }
    }
  }

  private static ParsedRecord parse(CsvFieldParser parser, String line) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    return parser.parse(bytes, 0, bytes.length);
  }
}
