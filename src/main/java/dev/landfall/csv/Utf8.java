package dev.landfall.csv;

/** Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. */
final class Utf8 {
  /** Returned by {@link #firstInvalid} for valid input. */
  static final int VALID = -1;

  private Utf8() {}

  /** True when every byte of the range is below 0x80, so any single-byte charset decodes it. */
  static boolean isAscii(byte[] buf, int off, int len) {
    // OR-ing the bytes keeps the loop branch-free; the sign bit survives if any byte is >= 0x80.
    int acc = 0;
    for (int i = off, end = off + len; i < end; i++) {
      acc |= buf[i];
    }
    return acc >= 0;
  }

  /**
   * Index (into {@code buf}) of the first byte of the first invalid or truncated sequence in the
   * range, or {@link #VALID}.
   */
  static int firstInvalid(byte[] buf, int off, int len) {
    int end = off + len;
    int i = off;
    while (i < end) {
      int b = buf[i];
      if (b >= 0) {
        i++;
        continue;
      }
      b &= 0xFF;
      int need;
      int lo = 0x80;
      int hi = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
      } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        if (b == 0xE0) {
          lo = 0xA0; // overlong below U+0800
        } else if (b == 0xED) {
          hi = 0x9F; // UTF-16 surrogates U+D800..U+DFFF
        }
      } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        if (b == 0xF0) {
          lo = 0x90; // overlong below U+10000
        } else if (b == 0xF4) {
          hi = 0x8F; // above U+10FFFF
        }
      } else {
        return i; // stray continuation byte, overlong C0/C1, or F5..FF
      }
      if (i + need >= end) {
        return i; // truncated sequence
      }
      int second = buf[i + 1] & 0xFF;
      if (second < lo || second > hi) {
        return i;
      }
      for (int k = 2; k <= need; k++) {
        int c = buf[i + k] & 0xFF;
        if (c < 0x80 || c > 0xBF) {
          return i;
        }
      }
      i += need + 1;
    }
    return VALID;
  }
}
