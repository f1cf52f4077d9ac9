package dev.landfall.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH cross-check of measure 1 ({@link TransformBench}): the same floor, transform and String-path
 * loops over 100k generated records held in memory, reported as nanoseconds per record. JMH times
 * wall clock, so on a shared machine compare the three within one run only.
 *
 * <pre>
 * mvn -B -q -Pjmh compile dependency:build-classpath -Dmdep.outputFile=target/jmh/classpath.txt
 * java -cp "target/jmh/classes:$(cat target/jmh/classpath.txt)" org.openjdk.jmh.Main TransformJmh
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TransformJmh {
  private static final int RECORDS = 100_000;
  private byte[] content;

  @Setup
  public void generate() throws IOException {
    Path dir = Files.createTempDirectory("landfall-jmh");
    Path file =
        new Generator(1).write(Generator.Kind.TRANSACTIONS, dir, "transactions_jmh", 0, RECORDS, 1).get(0);
    content = Files.readAllBytes(file);
    Files.delete(file);
    Files.delete(dir);
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long floor() throws IOException {
    return TransformBench.floor(content);
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long transform() throws IOException {
    return TransformBench.transform(content, "transactions");
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long stringPath() throws IOException {
    return TransformBench.stringPath(content, "transactions");
  }
}
