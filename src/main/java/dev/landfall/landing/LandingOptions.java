package dev.landfall.landing;

import org.apache.beam.sdk.io.gcp.bigquery.BigQueryOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;

/**
 * Parameters of a landing run. Every option here is also a Flex Template parameter in
 * {@code metadata.json}; {@code MetadataJsonTest} keeps the two in step.
 */
public interface LandingOptions extends BigQueryOptions {

  @Description(
      "Files to land: a path or glob, local or gs:// (e.g. gs://bucket/transactions/*.csv).")
  @Validation.Required
  String getInputFilePattern();

  void setInputFilePattern(String value);

  @Description(
      "Source (service) of every matched file. Empty: each file's source comes from"
          + " --sourceRules.")
  @Default.String("")
  String getSource();

  void setSource(String value);

  @Description(
      "The configured sources and their path globs, relative to the pattern's folder:"
          + " name[=glob|glob] separated by ';' (config.yaml sources.<name>.paths). A source without"
          + " globs owns a folder named after it anywhere in the path, then the file-name prefix"
          + " <source>_; folders win. A file matching none is reported, not landed.")
  @Default.String("customers;transactions")
  String getSourceRules();

  void setSourceRules(String value);

  @Description(
      "Land only the files --sourceRules gives this source; files of other sources are left to"
          + " their own runs, files of no source are still reported. Scheduled runs set it and match"
          + " the whole landing bucket, so the configured rules decide there too. Empty: every"
          + " source.")
  @Default.String("")
  String getOnlySource();

  void setOnlySource(String value);

  @Description("Lake table, [project:]dataset.table (e.g. my-project:lake.raw_records).")
  @Validation.Required
  String getOutputTable();

  void setOutputTable(String value);

  @Description(
      "Ledger of landed files, [project:]dataset.table. Empty: landed_files beside the"
          + " output table.")
  @Default.String("")
  String getLedgerTable();

  void setLedgerTable(String value);

  @Description(
      "Dataset of the privacy package, [project:]dataset: the run reads its erasure_log and"
          + " erasure_key once, lands an erased customer's re-delivered lines as erased, and"
          + " records them in its erased_lines table (for erase_customer.sh --landing-copies)."
          + " Absent dataset or empty log: nothing is erased or recorded. Without a project: the"
          + " output table's.")
  @Default.String("privacy")
  String getPrivacyDataset();

  void setPrivacyDataset(String value);

  @Description(
      "How rows reach BigQuery: FILE_LOADS (batch default, free), STORAGE_WRITE_API or"
          + " STREAMING_INSERTS.")
  @Default.Enum("FILE_LOADS")
  LakeWriteMethod getWriteMethod();

  void setWriteMethod(LakeWriteMethod value);

  @Description(
      "Format of the files FILE_LOADS stages: AVRO (default: binary records, no second JSON"
          + " escaping; rows over Avro's 16 MB block go as JSON) or JSON.")
  @Default.Enum("AVRO")
  LoadFileFormat getLoadFileFormat();

  void setLoadFileFormat(LoadFileFormat value);

  @Description("Id of this landing run. Empty: generated from the start time and a random part.")
  @Default.String("")
  String getLoadId();

  void setLoadId(String value);

  @Description("Land files again even when their content is already in the ledger.")
  @Default.Boolean(false)
  Boolean getReprocess();

  void setReprocess(Boolean value);

  @Description(
      "Byte size of the ranges a file is split into for parallel reading (records are never"
          + " cut: a range owns the records that start in it). A range is also a bundle: smaller"
          + " ranges spread work wider and hold less in memory on the DirectRunner.")
  @Default.Long(16L * 1024 * 1024)
  Long getSplitSizeBytes();

  void setSplitSizeBytes(Long value);

  @Description(
      "Longest record kept whole, in bytes; a longer one lands truncated with a parse error.")
  @Default.Integer(32 * 1024 * 1024)
  Integer getMaxRecordBytes();

  void setMaxRecordBytes(Integer value);

  @Description(
      "Where rows BigQuery refused are written as JSON lines. Empty: <tempLocation>/dead-letter.")
  @Default.String("")
  String getDeadLetterDirectory();

  void setDeadLetterDirectory(String value);
}
