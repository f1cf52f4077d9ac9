package dev.landfall.sqlgate;

import com.google.zetasql.AnalyzerOptions;
import com.google.zetasql.LanguageOptions;
import com.google.zetasql.TypeFactory;
import com.google.zetasql.ZetaSQLOptions.ErrorMessageMode;
import com.google.zetasql.ZetaSQLOptions.LanguageFeature;
import com.google.zetasql.ZetaSQLOptions.NameResolutionMode;
import com.google.zetasql.ZetaSQLOptions.ProductMode;
import com.google.zetasql.ZetaSQLType.TypeKind;
import java.util.EnumSet;
import java.util.List;

/**
 * ZetaSQL configured as BigQuery's GoogleSQL: external product mode (no proto/enum types, no
 * INT32/UINT), and only the language features BigQuery documents (scripting and procedures are
 * always on in ZetaSQL's script parser; the rest is listed below). Not
 * {@code enableMaximumLanguageFeatures()}: that would accept syntax BigQuery rejects.
 */
final class BigQueryDialect {

  private BigQueryDialect() {}

  /** BigQuery features our SQL may use; see the GoogleSQL reference for BigQuery. */
  private static final EnumSet<LanguageFeature> FEATURES =
      EnumSet.of(
          LanguageFeature.FEATURE_ANALYTIC_FUNCTIONS,
          LanguageFeature.FEATURE_NUMERIC_TYPE,
          LanguageFeature.FEATURE_BIGNUMERIC_TYPE,
          LanguageFeature.FEATURE_JSON_TYPE,
          LanguageFeature.FEATURE_JSON_VALUE_EXTRACTION_FUNCTIONS,
          LanguageFeature.FEATURE_JSON_ARRAY_FUNCTIONS,
          LanguageFeature.FEATURE_JSON_CONSTRUCTOR_FUNCTIONS,
          LanguageFeature.FEATURE_JSON_KEYS_FUNCTION,
          LanguageFeature.FEATURE_JSON_LAX_VALUE_EXTRACTION_FUNCTIONS,
          LanguageFeature.FEATURE_JSON_MUTATOR_FUNCTIONS,
          LanguageFeature.FEATURE_INTERVAL_TYPE,
          LanguageFeature.FEATURE_RANGE_TYPE,
          LanguageFeature.FEATURE_GEOGRAPHY,
          LanguageFeature.FEATURE_TABLESAMPLE,
          LanguageFeature.FEATURE_TABLE_VALUED_FUNCTIONS,
          LanguageFeature.FEATURE_CREATE_TABLE_FUNCTION,
          LanguageFeature.FEATURE_TEMPLATE_FUNCTIONS,
          LanguageFeature.FEATURE_NAMED_ARGUMENTS,
          LanguageFeature.FEATURE_PARAMETERIZED_TYPES,
          LanguageFeature.FEATURE_CREATE_TABLE_NOT_NULL,
          LanguageFeature.FEATURE_CREATE_TABLE_PARTITION_BY,
          LanguageFeature.FEATURE_CREATE_TABLE_CLUSTER_BY,
          LanguageFeature.FEATURE_CREATE_TABLE_LIKE,
          LanguageFeature.FEATURE_CREATE_TABLE_COPY,
          LanguageFeature.FEATURE_CREATE_TABLE_CLONE,
          LanguageFeature.FEATURE_CREATE_SNAPSHOT_TABLE,
          LanguageFeature.FEATURE_CREATE_TABLE_AS_SELECT_COLUMN_LIST,
          LanguageFeature.FEATURE_CREATE_TABLE_FIELD_ANNOTATIONS,
          LanguageFeature.FEATURE_CREATE_VIEW_WITH_COLUMN_LIST,
          LanguageFeature.FEATURE_CREATE_VIEWS_WITH_COLUMN_OPTIONS,
          LanguageFeature.FEATURE_CREATE_MATERIALIZED_VIEW_PARTITION_BY,
          LanguageFeature.FEATURE_CREATE_MATERIALIZED_VIEW_CLUSTER_BY,
          LanguageFeature.FEATURE_UNENFORCED_PRIMARY_KEYS,
          LanguageFeature.FEATURE_FOREIGN_KEYS,
          LanguageFeature.FEATURE_DML_UPDATE_WITH_JOIN,
          LanguageFeature.FEATURE_ROUND_WITH_ROUNDING_MODE,
          LanguageFeature.FEATURE_CBRT_FUNCTIONS,
          LanguageFeature.FEATURE_INVERSE_TRIG_FUNCTIONS,
          LanguageFeature.FEATURE_GROUP_BY_ROLLUP,
          LanguageFeature.FEATURE_TIME_BUCKET_FUNCTIONS,
          LanguageFeature.FEATURE_V_1_1_HAVING_IN_AGGREGATE,
          LanguageFeature.FEATURE_V_1_1_LIMIT_IN_AGGREGATE,
          LanguageFeature.FEATURE_V_1_1_NULL_HANDLING_MODIFIER_IN_AGGREGATE,
          LanguageFeature.FEATURE_V_1_1_NULL_HANDLING_MODIFIER_IN_ANALYTIC,
          LanguageFeature.FEATURE_V_1_1_ORDER_BY_IN_AGGREGATE,
          LanguageFeature.FEATURE_V_1_1_SELECT_STAR_EXCEPT_REPLACE,
          LanguageFeature.FEATURE_V_1_1_FOR_SYSTEM_TIME_AS_OF,
          LanguageFeature.FEATURE_V_1_1_WITH_ON_SUBQUERY,
          LanguageFeature.FEATURE_V_1_2_CIVIL_TIME,
          LanguageFeature.FEATURE_V_1_2_SAFE_FUNCTION_CALL,
          LanguageFeature.FEATURE_V_1_2_WEEK_WITH_WEEKDAY,
          LanguageFeature.FEATURE_V_1_2_GROUP_BY_STRUCT,
          LanguageFeature.FEATURE_V_1_3_ADDITIONAL_STRING_FUNCTIONS,
          LanguageFeature.FEATURE_V_1_3_ALLOW_DASHES_IN_TABLE_NAME,
          LanguageFeature.FEATURE_V_1_3_ALLOW_REGEXP_EXTRACT_OPTIONALS,
          LanguageFeature.FEATURE_V_1_3_CASE_STMT,
          LanguageFeature.FEATURE_V_1_3_COLUMN_DEFAULT_VALUE,
          LanguageFeature.FEATURE_V_1_3_CONCAT_MIXED_TYPES,
          LanguageFeature.FEATURE_V_1_3_DATE_ARITHMETICS,
          LanguageFeature.FEATURE_V_1_3_DATE_TIME_CONSTRUCTORS,
          LanguageFeature.FEATURE_V_1_3_DECIMAL_ALIAS,
          LanguageFeature.FEATURE_V_1_3_EXTENDED_DATE_TIME_SIGNATURES,
          LanguageFeature.FEATURE_V_1_3_FORMAT_IN_CAST,
          LanguageFeature.FEATURE_V_1_3_FOR_IN,
          LanguageFeature.FEATURE_V_1_3_IS_DISTINCT,
          LanguageFeature.FEATURE_V_1_3_LIKE_ANY_SOME_ALL,
          LanguageFeature.FEATURE_V_1_3_NULLS_FIRST_LAST_IN_ORDER_BY,
          LanguageFeature.FEATURE_V_1_3_OMIT_INSERT_COLUMN_LIST,
          LanguageFeature.FEATURE_V_1_3_PIVOT,
          LanguageFeature.FEATURE_V_1_3_UNPIVOT,
          LanguageFeature.FEATURE_V_1_3_QUALIFY,
          LanguageFeature.FEATURE_V_1_3_REPEAT,
          LanguageFeature.FEATURE_V_1_3_SCRIPT_LABEL,
          LanguageFeature.FEATURE_V_1_3_UNNEST_AND_FLATTEN_ARRAYS,
          LanguageFeature.FEATURE_V_1_3_WITH_RECURSIVE,
          LanguageFeature.FEATURE_V_1_3_ALLOW_CONSECUTIVE_ON,
          LanguageFeature.FEATURE_V_1_4_GROUP_BY_ALL);

  static LanguageOptions languageOptions() {
    LanguageOptions options = new LanguageOptions();
    options.setProductMode(ProductMode.PRODUCT_EXTERNAL);
    options.setNameResolutionMode(NameResolutionMode.NAME_RESOLUTION_DEFAULT);
    options.setEnabledLanguageFeatures(FEATURES);
    options.setSupportsAllStatementKinds();
    options.enableReservableKeyword("QUALIFY");
    return options;
  }

  static AnalyzerOptions analyzerOptions() {
    AnalyzerOptions options = new AnalyzerOptions();
    options.setLanguageOptions(languageOptions());
    options.setErrorMessageMode(ErrorMessageMode.ERROR_MESSAGE_ONE_LINE);
    // The scan audit and the cost model need each scan's columns as BigQuery bills them:
    // only the referenced ones.
    options.setPruneUnusedColumns(true);
    options.setDefaultTimezone("UTC");
    // Inside an EXCEPTION handler a script reads @@error.*.
    options.addSystemVariable(List.of("error", "message"), string());
    options.addSystemVariable(List.of("error", "statement_text"), string());
    options.addSystemVariable(List.of("error", "formatted_stack_trace"), string());
    options.addSystemVariable(List.of("time_zone"), string());
    return options;
  }

  private static com.google.zetasql.Type string() {
    return TypeFactory.createSimpleType(TypeKind.TYPE_STRING);
  }
}
