package dev.landfall.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.landfall.csv.CsvFieldParser;
import dev.landfall.csv.Header;
import dev.landfall.csv.LakeRecordEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The prototype must give exactly the current encoder's JSON and hash, or decline. */
class ByteLakeEncoderTest {
  private static final Header HEADER = Header.of(List.of("id", "Name ", "note"));

  @Test
  void encode_matchesTheStringEncoderOnQuotedEscapedAndControlCharacters() {
    for (String line :
        List.of(
            "1,Ann,plain",
            "2,\"Smith, J\",\"say \"\"hi\"\"\"",
            "3,back\\\\slash,tab\there",
            "4,\"two\nlines\",\"\"",
            "5,,",
            "6,\"\",x\u0001y")) {
      assertSame(line);
    }
  }

  @Test
  void encode_declinesWhatTheStringPathMustHandle() {
    ByteLakeEncoder encoder = new ByteLakeEncoder();
    for (String line : List.of("1,2", "1,\"open,2,3", "1,a\"b,c", "1,Zoë,x")) {
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      assertNull(encoder.encode("s", HEADER, bytes, 0, bytes.length), line);
    }
  }

  private static void assertSame(String line) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    LakeRecordEncoder.EncodedRecord expected =
        new LakeRecordEncoder()
            .encode("src", HEADER, new CsvFieldParser().parse(bytes, 0, bytes.length), bytes, 0, bytes.length);
    String[] actual = new ByteLakeEncoder().encode("src", HEADER, bytes, 0, bytes.length);
    assertArrayEquals(new String[] {expected.dataString(), expected.recordHash()}, actual, line);
  }
}
