package dev.landfall.bench;

import dev.landfall.csv.CsvFieldParser;
import dev.landfall.csv.CsvRecordReader;
import dev.landfall.csv.Header;
import dev.landfall.csv.LakeRecordEncoder;
import dev.landfall.csv.LakeRecordEncoder.EncodedRecord;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Measure 1: the per-record work of landing (read the record, parse its fields, build the lake
 * JSON and the SHA-256 record hash: {@link LakeRecordEncoder#encodeLine}, as the landing calls it)
 * against a floor measured in the same run (read the same records, SHA-256 each line, nothing
 * else), one thread, timed by the thread's CPU time so other processes on a shared machine do not
 * count. Passes alternate floor, transform and the String path (parse into field Strings, then
 * {@link LakeRecordEncoder#encode}: the encoder before the byte path, kept as the reference); the
 * ratio of each floor/transform pair is taken, then the median, so a noisy moment hits both sides.
 *
 * <p>Before timing, every record's {@code encodeLine} result is checked equal to the String path's.
 * The file is read from memory (a byte-array channel) so all sides measure CPU work, not the disk.
 */
public final class TransformBench {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /** Sink for results, so the JIT cannot drop the work. */
  static volatile long sink;

  private TransformBench() {}

  /**
   * Rates in records per CPU-second of one thread.
   *
   * @param ratio median over the pairs of transform rate / floor rate
   * @param stringPathRate the String path (the encoder before the byte path), for comparison
   * @param stringPathRatio median over the pairs of String path rate / floor rate
   */
  public record Result(
      long records,
      double floorRate,
      double transformRate,
      double ratio,
      int pairs,
      double stringPathRate,
      double stringPathRatio) {}

  public static Result run(Path csv, int warmupPairs, int pairs) throws IOException {
    byte[] content = Files.readAllBytes(csv);
    String source = "transactions";
    checkMatchesStringPath(content, source);
    long records = 0;
    for (int i = 0; i < warmupPairs; i++) {
      floor(content);
      records = transform(content, source);
      stringPath(content, source);
    }
    double[] floorRates = new double[pairs];
    double[] transformRates = new double[pairs];
    double[] ratios = new double[pairs];
    double[] stringRates = new double[pairs];
    double[] stringRatios = new double[pairs];
    for (int i = 0; i < pairs; i++) {
      long t0 = cpuNanos();
      long n = floor(content);
      long t1 = cpuNanos();
      long m = transform(content, source);
      long t2 = cpuNanos();
      long s = stringPath(content, source);
      long t3 = cpuNanos();
      if (n != m || n != s) {
        throw new IllegalStateException(
            "floor read " + n + " records, transform " + m + ", String path " + s);
      }
      floorRates[i] = n / ((t1 - t0) / 1e9);
      transformRates[i] = m / ((t2 - t1) / 1e9);
      ratios[i] = transformRates[i] / floorRates[i];
      stringRates[i] = s / ((t3 - t2) / 1e9);
      stringRatios[i] = stringRates[i] / floorRates[i];
    }
    return new Result(
        records, median(floorRates), median(transformRates), median(ratios), pairs,
        median(stringRates), median(stringRatios));
  }

  /** Refuses to time a transform that does not give the String path's exact output. */
  static void checkMatchesStringPath(byte[] content, String source) throws IOException {
    CsvFieldParser parser = new CsvFieldParser();
    LakeRecordEncoder bytePath = new LakeRecordEncoder();
    LakeRecordEncoder stringPath = new LakeRecordEncoder();
    try (CsvRecordReader reader = open(content)) {
      DataRecords records = new DataRecords(reader);
      while (records.next()) {
        byte[] raw = records.buffer();
        int length = records.length();
        Header header = records.header();
        EncodedRecord fast = bytePath.encodeLine(source, header, raw, 0, length);
        EncodedRecord slow =
            stringPath.encode(source, header, parser.parse(raw, 0, length), raw, 0, length);
        if (!fast.equals(slow)) {
          throw new IllegalStateException(
              "encodeLine differs at offset " + records.offset() + ": " + fast + " vs " + slow);
        }
      }
    }
  }

  /** Reads every record and SHA-256s its bytes; returns the number of data records. */
  static long floor(byte[] content) throws IOException {
    MessageDigest digest = sha256();
    long records = 0;
    long acc = 0;
    try (CsvRecordReader reader = open(content)) {
      boolean header = true;
      while (reader.advance()) {
        if (reader.isBlank()) {
          continue;
        }
        digest.update(reader.buffer(), 0, reader.length());
        byte[] hash = digest.digest();
        if (header) {
          header = false;
          continue;
        }
        acc += hash[0];
        records++;
      }
    }
    sink += acc;
    return records;
  }

  /** Reads, parses and encodes every record as the landing does; returns the record count. */
  static long transform(byte[] content, String source) throws IOException {
    LakeRecordEncoder encoder = new LakeRecordEncoder();
    long records = 0;
    long acc = 0;
    try (CsvRecordReader reader = open(content)) {
      DataRecords data = new DataRecords(reader);
      while (data.next()) {
        EncodedRecord encoded =
            encoder.encodeLine(source, data.header(), data.buffer(), 0, data.length());
        acc += encoded.dataString().length() + encoded.recordHash().charAt(0);
        records++;
      }
    }
    sink += acc;
    return records;
  }

  /** As {@link #transform}, by the String path: field Strings, then {@code encode}. */
  static long stringPath(byte[] content, String source) throws IOException {
    CsvFieldParser parser = new CsvFieldParser();
    LakeRecordEncoder encoder = new LakeRecordEncoder();
    long records = 0;
    long acc = 0;
    try (CsvRecordReader reader = open(content)) {
      DataRecords data = new DataRecords(reader);
      while (data.next()) {
        byte[] raw = data.buffer();
        int length = data.length();
        EncodedRecord encoded =
            encoder.encode(source, data.header(), parser.parse(raw, 0, length), raw, 0, length);
        acc += encoded.dataString().length() + encoded.recordHash().charAt(0);
        records++;
      }
    }
    sink += acc;
    return records;
  }

  private static CsvRecordReader open(byte[] content) throws IOException {
    return CsvRecordReader.open(new BytesChannel(content), 0, content.length, false, 32 << 20);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  static long cpuNanos() {
    return THREADS.getCurrentThreadCpuTime();
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** A read-only channel over a byte array: the reader's input without I/O. */
  static final class BytesChannel implements SeekableByteChannel {
    private final byte[] bytes;
    private long position;
    private boolean open = true;

    BytesChannel(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read(ByteBuffer dst) {
      if (position >= bytes.length) {
        return -1;
      }
      int n = (int) Math.min(dst.remaining(), bytes.length - position);
      dst.put(bytes, (int) position, n);
      position += n;
      return n;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new UnsupportedOperationException("read-only");
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
      position = newPosition;
      return this;
    }

    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public SeekableByteChannel truncate(long size) {
      throw new UnsupportedOperationException("read-only");
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }

  /** {@code TransformBench CSV [WARMUP_PAIRS PAIRS]}: prints the rates. */
  public static void main(String[] args) throws IOException {
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Result r = run(Path.of(args[0]), warmup, pairs);
    System.out.printf(
        "records=%d floor=%.0f/s transform(encodeLine)=%.0f/s ratio=%.3f"
            + " string-path(parse+encode)=%.0f/s ratio=%.3f%n",
        r.records(), r.floorRate(), r.transformRate(), r.ratio(), r.stringPathRate(),
        r.stringPathRatio());
  }
}
