package dev.landfall.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Utf8Test {

  /** Where the JDK's strict decoder first fails, or -1: the oracle for our validator. */
  private static int jdkFirstInvalid(byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length * 2 + 2);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      return in.position();
    }
    return in.hasRemaining() ? in.position() : Utf8.VALID;
  }

  @Test
  void firstInvalid_agreesWithTheJdkDecoderOnRandomBytes() {
    SplittableRandom random = new SplittableRandom(11);
    byte[] edges = {
      0x00,
      0x7F,
      (byte) 0x80,
      (byte) 0x8F,
      (byte) 0x90,
      (byte) 0x9F,
      (byte) 0xA0,
      (byte) 0xBF,
      (byte) 0xC0,
      (byte) 0xC1,
      (byte) 0xC2,
      (byte) 0xDF,
      (byte) 0xE0,
      (byte) 0xE1,
      (byte) 0xED,
      (byte) 0xEE,
      (byte) 0xEF,
      (byte) 0xF0,
      (byte) 0xF1,
      (byte) 0xF4,
      (byte) 0xF5,
      (byte) 0xFF,
    };
    int valid = 0;
    for (int round = 0; round < 200_000; round++) {
      byte[] bytes = new byte[random.nextInt(7)];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = edges[random.nextInt(edges.length)];
      }

      int ours = Utf8.firstInvalid(bytes, 0, bytes.length);

      assertEquals(jdkFirstInvalid(bytes), ours, () -> java.util.HexFormat.of().formatHex(bytes));
      valid += ours == Utf8.VALID ? 1 : 0;
    }
    assertTrue(valid > 1_000, "the sample holds valid sequences too: " + valid);
  }

  @Test
  void firstInvalid_acceptsEveryScalarValue() {
    StringBuilder all = new StringBuilder();
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
        all.appendCodePoint(cp);
      }
    }
    byte[] bytes = all.toString().getBytes(StandardCharsets.UTF_8);

    assertEquals(Utf8.VALID, Utf8.firstInvalid(bytes, 0, bytes.length));
  }

  @Test
  void isAscii_detectsAnyHighByte() {
    byte[] bytes = "plain ascii, \"quoted\"".getBytes(StandardCharsets.US_ASCII);

    assertTrue(Utf8.isAscii(bytes, 0, bytes.length));
    bytes[5] = (byte) 0x80;
    assertFalse(Utf8.isAscii(bytes, 0, bytes.length));
    assertTrue(Utf8.isAscii(bytes, 6, bytes.length - 6));
  }
}
