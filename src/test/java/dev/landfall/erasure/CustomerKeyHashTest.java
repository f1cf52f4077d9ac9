package dev.landfall.erasure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CustomerKeyHashTest {

  /** RFC 4231 §4.3, test case 2: key "Jefe", data "what do ya want for nothing?". */
  @Test
  void rfc4231TestCase2() {
    CustomerKeyHash hash = new CustomerKeyHash("Jefe".getBytes(StandardCharsets.US_ASCII));

    assertEquals(
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        hash.hex("what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)));
    // of() strips the id first, so surrounding whitespace gives the same hash.
    assertEquals(
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        hash.of(" \twhat do ya want for nothing?\r\n"));
  }

  /** RFC 4231 §4.2, test case 1: key 0x0b x 20, data "Hi There". */
  @Test
  void rfc4231TestCase1() {
    byte[] key = new byte[20];
    java.util.Arrays.fill(key, (byte) 0x0b);

    assertEquals(
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        new CustomerKeyHash(key).of("Hi There"));
  }

  @Test
  void differentKeys_differentHashes_andAnEmptyKeyIsRefused() {
    byte[] one = HexFormat.of().parseHex("00".repeat(32));
    byte[] two = HexFormat.of().parseHex("00".repeat(31) + "01");

    assertNotEquals(new CustomerKeyHash(one).of("C001"), new CustomerKeyHash(two).of("C001"));
    assertEquals(64, new CustomerKeyHash(one).of("C001").length());
    assertEquals("erased:ab", CustomerKeyHash.pseudonym("ab"));
    assertThrows(IllegalArgumentException.class, () -> new CustomerKeyHash(new byte[0]));
  }
}
