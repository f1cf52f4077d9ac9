package dev.landfall.landing;

import java.io.IOException;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the erasure log and key once per run, inside the job (one element, one worker), as a
 * singleton side input for {@link ApplyErasuresFn}: the graph never holds the log or the key, and
 * a template launch makes no query.
 */
final class ReadErasureLog extends PTransform<PBegin, PCollectionView<Erasures>> {
  private final ErasureLookup lookup;

  ReadErasureLog(ErasureLookup lookup) {
    this.lookup = lookup;
  }

  @Override
  public PCollectionView<Erasures> expand(PBegin begin) {
    return begin
        .apply("Once", Create.of("erasure-log"))
        .apply("QueryLogAndKey", ParDo.of(new ReadFn(lookup)))
        .setCoder(SerializableCoder.of(Erasures.class))
        .apply("AsSideInput", View.asSingleton());
  }

  private static final class ReadFn extends DoFn<String, Erasures> {
    private static final Logger LOG = LoggerFactory.getLogger(ReadErasureLog.class);
    private final ErasureLookup lookup;

    ReadFn(ErasureLookup lookup) {
      this.lookup = lookup;
    }

    @ProcessElement
    public void processElement(OutputReceiver<Erasures> out) throws IOException {
      Erasures erasures = lookup.read();
      LOG.info(
          "Erasure log: {} erased customer(s); their re-delivered lines land as erased",
          erasures.byHash().size());
      out.output(erasures);
    }
  }
}
