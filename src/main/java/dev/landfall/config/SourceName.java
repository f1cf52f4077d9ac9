package dev.landfall.config;

import java.util.regex.Pattern;

/**
 * The one rule for source names (CONTRACT §1): lower-case letters, digits and {@code _}, starting
 * with a letter, at most 30 characters. A source name becomes a folder, a dataset name (which
 * allows no {@code -}), a Scheduler job id and a Dataflow job name, so the rule is the
 * intersection of theirs. {@code terraform/config.tf} and {@code metadata.json} repeat this regex
 * verbatim (HCL and the template metadata cannot call Java); {@code SourceNameRuleTest} fails when
 * any copy drifts.
 */
public final class SourceName {

  /** Anchored, in the RE2 / Java common subset so Terraform's {@code regex()} reads it the same. */
  public static final String REGEX = "^[a-z][a-z0-9_]{0,29}$";

  private static final Pattern PATTERN = Pattern.compile(REGEX);

  /** The message that explains the rule, after the offending name. */
  public static final String RULE =
      "must be lower-case letters, digits or _, starting with a letter, at most 30 characters";

  private SourceName() {}

  public static boolean isValid(String name) {
    return name != null && PATTERN.matcher(name).matches();
  }
}
