# The YAML factory: config.yaml is read once, defaults are filled in here and
# nowhere else, and terraform_data.config checks it (cloud-foundation-fabric
# style: try() would silently swallow a misspelt key, so unknown keys fail).
# Everything else in this module reads local.config.

locals {
  _config_path = startswith(var.config_file, "/") ? var.config_file : "${path.module}/${var.config_file}"
  _text        = file(local._config_path)
  # An empty (or all-comment) file is an empty config, reported as such below;
  # merge() also turns a YAML null into an empty object.
  _raw = merge({}, yamldecode(trimspace(replace(local._text, "/(?m)^\\s*#.*$/", "")) == "" ? "{}" : local._text))

  _defaults = {
    location      = "EU"
    name_prefix   = "landfall"
    base_currency = "GBP"
    labels        = {}
    time_zone     = "Etc/UTC"
    routines_dir  = "../routines"
    enable_apis   = true
    # Enterprise project (terraform/README.md "Enterprise project"): CMEK for
    # datasets and buckets, and the project number that names the Google
    # service agents which must be allowed to use the key(s).
    kms_key        = ""
    project_number = ""
    # Dataset key => time travel window in hours (48-168, whole days); if absent 48
    # (the minimum: datasets hold personal data, docs/erasure.md), privacy 168.
    max_time_travel_hours = {}

    # Days after its ingestion date a transaction may be dated (else implausible_date).
    max_future_days = 1
    datasets = {
      lake         = "lake"
      customers    = "customers"
      transactions = "transactions"
      analytics    = "analytics"
      # The erasure key and log (routines/privacy/, docs/erasure.md): no personal data.
      privacy = "privacy"
    }
    size_presets = {
      small  = { machine_type = "e2-standard-2", num_workers = 1, max_workers = 2 }
      medium = { machine_type = "e2-standard-4", num_workers = 2, max_workers = 10 }
      large  = { machine_type = "n2-standard-8", num_workers = 4, max_workers = 50 }
    }
    sources  = {}
    snapshot = { schedule = "0 7 * * 1" }
    access = {
      business_user_groups = []
      data_engineer_groups = []
      # Who runs scripts/erase_customer.sh (docs/erasure.md): the privacy dataset,
      # write on the datasets holding personal data, Fine-Grained Reader on the tags.
      erasure_groups = []
    }
    pii = {
      taxonomy_name = "landfall-pii"
      policy_tag    = "pii"
      # Who may read tagged columns besides the pipeline and the data engineers.
      reader_groups = []
      # Columns holding personal data, tagged by the deploy in every table: a bare
      # name in every table, "<package>.<table>.<column>" in one (dev.landfall.config.Pii).
      columns = ["first_name", "last_name", "email", "date_of_birth", "lake.raw_records.data_string", "customers.rejects.data_string"]
    }
    alerting = {
      notification_email    = ""
      reject_rate_threshold = 0.05
    }
    landing = {
      noncurrent_version_retention_days = 30
    }
    # Right to erasure (docs/erasure.md): "delete" the customer's transactions, or
    # "pseudonymise" them (amounts kept, customer_id = erased:<keyed hash>).
    erasure = {
      transactions = "delete"
    }
    dataflow = {
      temp_retention_days    = 7
      staging_retention_days = 30
      # Worker network, for scheduled and manual launches alike. "" = the
      # project's default network / the region's auto subnetwork.
      network     = ""
      subnetwork  = "" # regions/<region>/subnetworks/<name>, or its full URL (Shared VPC)
      private_ips = false
      kms_key     = "" # CMEK for job state; "" = kms_key when that key is in region
    }
  }

  _source_defaults = {
    schedule         = null # landing cron; null: launched by hand only
    size             = "small"
    unpack_schedule  = null # cron for CALL <source>.unpack(); null: stays in the lake
    paused           = false
    write_method     = "FILE_LOADS"
    split_size_bytes = null
    max_record_bytes = null
    paths            = [] # globs of the files the source owns (pipeline --sourceRules); []: its folder, then <name>_ prefix
  }
  _required_keys = ["project_id", "region"]
  _nested_keys   = ["snapshot", "access", "pii", "alerting", "landing", "dataflow", "erasure"]

  _sources_raw = merge({}, lookup(local._raw, "sources", null))
  _presets     = merge(local._defaults.size_presets, lookup(local._raw, "size_presets", null))
  _nested = {
    for key in local._nested_keys : key => merge(local._defaults[key], lookup(local._raw, key, null))
  }
  _datasets_base = merge(local._defaults.datasets, lookup(local._raw, "datasets", null))
  _sources = {
    for name, source in local._sources_raw : name => merge(local._source_defaults, source)
  }

  config = {
    # Required: "" when missing, which the checks below report.
    project_id = lookup(local._raw, "project_id", null) == null ? "" : local._raw.project_id
    region     = lookup(local._raw, "region", null) == null ? "" : local._raw.region
    # coalesce(): a key present but left empty in the YAML also takes its default.
    location      = coalesce(lookup(local._raw, "location", null), local._defaults.location)
    name_prefix   = coalesce(lookup(local._raw, "name_prefix", null), local._defaults.name_prefix)
    base_currency = coalesce(lookup(local._raw, "base_currency", null), local._defaults.base_currency)
    time_zone     = coalesce(lookup(local._raw, "time_zone", null), local._defaults.time_zone)
    enable_apis   = coalesce(lookup(local._raw, "enable_apis", null), local._defaults.enable_apis)
    routines_dir  = coalesce(var.routines_dir, lookup(local._raw, "routines_dir", null), local._defaults.routines_dir)
    labels        = merge({ app = "landfall" }, lookup(local._raw, "labels", null))
    size_presets  = local._presets
    sources       = local._sources
    snapshot      = local._nested.snapshot
    access        = local._nested.access
    pii           = local._nested.pii
    alerting      = local._nested.alerting

    max_future_days = coalesce(lookup(local._raw, "max_future_days", null), local._defaults.max_future_days)

    landing  = local._nested.landing
    dataflow = local._nested.dataflow
    erasure  = local._nested.erasure
    # Every source that is unpacked needs a dataset; it defaults to the source name.
    datasets = merge(
      { for name, source in local._sources : name => name if source.unpack_schedule != null },
      local._datasets_base,
    )

    # Enterprise project: "" / {} when not set.
    kms_key = lookup(local._raw, "kms_key", null) == null ? "" : local._raw.kms_key
    # A YAML number or string: digits either way.
    project_number        = lookup(local._raw, "project_number", null) == null ? "" : tostring(local._raw.project_number)
    max_time_travel_hours = merge({}, lookup(local._raw, "max_time_travel_hours", null))
  }

  # --- checks (terraform_data.config turns each list into an error message) ---

  _unknown_keys = concat(
    [for key in keys(local._raw) : key if !contains(concat(keys(local._defaults), local._required_keys), key)],
    flatten([
      for key in local._nested_keys : [
        for sub in keys(merge({}, lookup(local._raw, key, null))) : "${key}.${sub}" if !contains(keys(local._defaults[key]), sub)
      ]
    ]),
    flatten([
      for name, source in local._sources_raw : [
        for sub in keys(merge({}, source)) : "sources.${name}.${sub}" if !contains(keys(local._source_defaults), sub)
      ]
    ]),
    flatten([
      for name, preset in local._presets : [
        for sub in keys(merge({}, preset)) : "size_presets.${name}.${sub}" if !contains(["machine_type", "num_workers", "max_workers"], sub)
      ]
    ]),
  )

  _region_re = "^[a-z]+-[a-z]+[0-9]{1,2}$"

  _bad_presets = [
    for name, preset in local._presets : name
    if !try(
      can(regex("^[a-z][a-z0-9-]+$", preset.machine_type)) &&
      preset.num_workers >= 1 && preset.max_workers >= preset.num_workers &&
      floor(preset.num_workers) == preset.num_workers && floor(preset.max_workers) == preset.max_workers,
      false
    )
  ]
  _unknown_sizes = [
    for name, source in local._sources : "${name}: \"${source.size}\"" if !contains(keys(local._presets), source.size)
  ]
  _bad_source_names = [for name in keys(local._sources) : name if !can(regex("^[a-z][a-z0-9_]{0,29}$", name))]
  _bad_write_methods = [
    for name, source in local._sources : name
    if !contains(["FILE_LOADS", "STORAGE_WRITE_API", "STREAMING_INSERTS"], source.write_method)
  ]

  # Cron: five fields of numbers, names (MON, JAN), *, ranges, lists and steps,
  # each number within its field's range.
  _crons = concat(
    flatten([
      for name, source in local._sources : [
        { where = "sources.${name}.schedule", cron = source.schedule },
        { where = "sources.${name}.unpack_schedule", cron = source.unpack_schedule },
      ]
    ]),
    [{ where = "snapshot.schedule", cron = local._nested.snapshot.schedule }],
  )
  _cron_field_re = "^(\\*|[0-9]+|[A-Za-z]{3})([-/,](\\*|[0-9]+|[A-Za-z]{3}))*$"
  _cron_max      = [59, 23, 31, 12, 7]
  _bad_crons = [
    for c in local._crons : "${c.where}: \"${c.cron}\""
    if c.cron != null && !try(
      length(split(" ", trimspace(replace(c.cron, "/\\s+/", " ")))) == 5 &&
      alltrue([
        for i, field in split(" ", trimspace(replace(c.cron, "/\\s+/", " "))) :
        can(regex(local._cron_field_re, field)) &&
        alltrue([for n in regexall("[0-9]+", field) : tonumber(n) <= try(local._cron_max[i], -1)])
      ]),
      false
    )
  ]

  # A source that is unpacked needs its schema and unpack procedure in routines/.
  _missing_schemas = [
    for name, source in local._sources : "${name} (expected ${local.config.routines_dir}/${name}/unpack.sql)"
    if source.unpack_schedule != null && !fileexists("${local._routines_path}/${name}/unpack.sql")
  ]
  _missing_snapshot = local._nested.snapshot.schedule != null && !fileexists("${local._routines_path}/analytics/snapshot_top_customers.sql")

  _bad_groups = [
    for group in concat(local._nested.access.business_user_groups, local._nested.access.data_engineer_groups, local._nested.access.erasure_groups, local._nested.pii.reader_groups) :
    group if !can(regex("^[^@\\s]+@[^@\\s]+\\.[a-z]+$", group))
  ]
  _bad_pii_tables = [
    for entry in local._nested.pii.columns : entry
    if try(lookup(local.routine_kinds, regex("^([^.]+\\.[^.]+)\\.[^.]+$", entry)[0], "") != "table", false)
  ]

  # --- enterprise project: CMEK, worker network, time travel ---
  # A Cloud KMS key name; group 1 is its location.
  _kms_re = "^projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/locations/([a-z0-9-]+)/keyRings/[A-Za-z0-9_-]{1,63}/cryptoKeys/[A-Za-z0-9_-]{1,63}$"
  # BigQuery and Cloud Storage use a key only in their data's location; the EU
  # and US multi-regions take keys in "europe" and "us".
  # https://cloud.google.com/bigquery/docs/customer-managed-encryption#supported_locations
  _storage_key_location  = lookup({ eu = "europe", us = "us" }, lower(local.config.location), lower(local.config.location))
  _kms_location          = try(regex(local._kms_re, local.config.kms_key)[0], "")
  _dataflow_kms_set      = local._nested.dataflow.kms_key
  _dataflow_kms_location = try(regex(local._kms_re, local._dataflow_kms_set)[0], "")
  _kms_problems = compact([
    local.config.kms_key == "" || can(regex(local._kms_re, local.config.kms_key)) ? null : "kms_key \"${local.config.kms_key}\" is not a Cloud KMS key name (projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>)",
    local._kms_location == "" || local._kms_location == local._storage_key_location ? null : "kms_key is in location ${local._kms_location}, but datasets and buckets in ${local.config.location} need a key in ${local._storage_key_location}",
    local._dataflow_kms_set == "" || can(regex(local._kms_re, local._dataflow_kms_set)) ? null : "dataflow.kms_key \"${local._dataflow_kms_set}\" is not a Cloud KMS key name",
    local._dataflow_kms_location == "" || local._dataflow_kms_location == local.config.region ? null : "dataflow.kms_key is in location ${local._dataflow_kms_location}; Dataflow jobs in ${local.config.region} need a key in ${local.config.region}",
    local._kms_location == "" || local._kms_location == local.config.region || local._dataflow_kms_set != "" ? null : "kms_key is in ${local._kms_location}, which Dataflow jobs in ${local.config.region} cannot use: set dataflow.kms_key to a key in ${local.config.region}",
    (local.config.kms_key == "" && local._dataflow_kms_set == "") || can(regex("^[0-9]{6,20}$", local.config.project_number)) ? null : "project_number \"${local.config.project_number}\" is needed with kms_key: the number of project ${local.config.project_id} (gcloud projects describe ${local.config.project_id} --format='value(projectNumber)'), which names the service agents that use the key",
  ])
  _network_problems = compact([
    local._nested.dataflow.network == "" || can(regex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", local._nested.dataflow.network)) ? null : "dataflow.network \"${local._nested.dataflow.network}\" must be a VPC network name (a Shared VPC is named by dataflow.subnetwork alone)",
    local._nested.dataflow.subnetwork == "" || can(regex("^(https://www\\.googleapis\\.com/compute/v1/projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/)?regions/${local.config.region}/subnetworks/[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", local._nested.dataflow.subnetwork)) ? null : "dataflow.subnetwork \"${local._nested.dataflow.subnetwork}\" must be regions/${local.config.region}/subnetworks/<name> or its full URL https://www.googleapis.com/compute/v1/projects/<host project>/regions/${local.config.region}/subnetworks/<name> (the workers' region)",
    can(tobool(local._nested.dataflow.private_ips)) ? null : "dataflow.private_ips must be true or false",
  ])
  _bad_time_travel = [
    for key, hours in local.config.max_time_travel_hours : "${key}: ${hours}"
    if !contains(keys(local.config.datasets), key) || !try(hours >= 48 && hours <= 168 && hours % 24 == 0, false)
  ]

  # Longest generated names: buckets (63), service accounts (30).
  _longest_bucket = "${local.config.project_id}-${local.config.name_prefix}-templates"
  _longest_sa     = "${local.config.name_prefix}-scheduler"

  # One message per failed check; terraform_data.config fails the plan with all
  # of them (and the offline check asserts on their text).
  config_errors = compact([
    length(local._unknown_keys) == 0 ? null : "config.yaml: unknown key(s) ${join(", ", local._unknown_keys)} (misspelt? see terraform/README.md for the keys).",
    can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", local.config.project_id)) ? null : "config.yaml: project_id \"${local.config.project_id}\" is missing or not a Google Cloud project id (6-30 characters: lower-case letters, digits, hyphens).",
    can(regex(local._region_re, local.config.region)) ? null : "config.yaml: region \"${local.config.region}\" is missing or not a Google Cloud region (like europe-west2 or us-central1).",
    can(regex("(?i)^(eu|us)$", local.config.location)) || can(regex(local._region_re, local.config.location)) ? null : "config.yaml: location \"${local.config.location}\" must be EU, US or a region (like europe-west2).",
    can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", local.config.name_prefix)) && length(local._longest_bucket) <= 63 && length(local._longest_sa) <= 30 ? null : "config.yaml: name_prefix \"${local.config.name_prefix}\" must be 3-20 lower-case letters, digits or hyphens, and short enough for bucket ${local._longest_bucket} (max 63) and service account ${local._longest_sa} (max 30).",
    length(local._bad_presets) == 0 ? null : "config.yaml: size preset(s) ${join(", ", local._bad_presets)} need machine_type (like e2-standard-4), whole num_workers >= 1 and max_workers >= num_workers.",
    length(local._bad_source_names) == 0 ? null : "config.yaml: source name(s) ${join(", ", local._bad_source_names)} must be lower-case letters, digits and underscores, starting with a letter (they name folders and datasets).",
    length(local._unknown_sizes) == 0 ? null : "config.yaml: unknown size preset for source ${join(", ", local._unknown_sizes)}; size_presets has: ${join(", ", sort(keys(local._presets)))}.",
    length(local._bad_write_methods) == 0 ? null : "config.yaml: write_method of source(s) ${join(", ", local._bad_write_methods)} must be FILE_LOADS, STORAGE_WRITE_API or STREAMING_INSERTS.",
    length(local._bad_crons) == 0 ? null : "config.yaml: bad cron schedule ${join(", ", local._bad_crons)}; expected five fields \"minute hour day-of-month month day-of-week\", like \"0 5 * * *\".",
    length(local._missing_schemas) == 0 ? null : "config.yaml: source(s) with unpack_schedule but no schema in routines/: ${join(", ", local._missing_schemas)}. Add the source's routines or remove its unpack_schedule.",
    !local._missing_snapshot ? null : "config.yaml: snapshot.schedule is set but ${local.config.routines_dir}/analytics/snapshot_top_customers.sql is missing; add it or set snapshot.schedule to null.",
    length(local._bad_groups) == 0 ? null : "config.yaml: not a group email: ${join(", ", local._bad_groups)}.",
    can(tonumber(local.config.alerting.reject_rate_threshold)) && try(local.config.alerting.reject_rate_threshold >= 0 && local.config.alerting.reject_rate_threshold <= 1, false) ? null : "config.yaml: alerting.reject_rate_threshold must be a share between 0 and 1 (0.05 = 5 %).",
    can(tonumber(local.config.max_future_days)) && try(floor(local.config.max_future_days) == local.config.max_future_days && local.config.max_future_days >= 0 && local.config.max_future_days <= 366, false) ? null : "config.yaml: max_future_days must be a whole number of days from 0 to 366.",
    contains(["delete", "pseudonymise"], local._nested.erasure.transactions) ? null : "config.yaml: erasure.transactions must be delete or pseudonymise, got \"${local._nested.erasure.transactions}\".",
    length(local._bad_pii_tables) == 0 ? null : "config.yaml: pii.columns names column(s) ${join(", ", local._bad_pii_tables)} of a table that no CREATE TABLE file in routines/ defines (entries are <column> or <package>.<table>.<column>).",
    length(local._kms_problems) == 0 ? null : "config.yaml: ${join("; ", local._kms_problems)}.",
    length(local._network_problems) == 0 ? null : "config.yaml: ${join("; ", local._network_problems)}.",
    length(local._bad_time_travel) == 0 ? null : "config.yaml: max_time_travel_hours ${join(", ", local._bad_time_travel)}: keys are dataset keys (${join(", ", sort(keys(local.config.datasets)))}), values whole days in hours from 48 to 168 (48, 72, ... 168).",
    length(local._routine_problems) == 0 ? null : "routines/: ${join("; ", local._routine_problems)}.",
  ])
}

resource "terraform_data" "config" {
  # Stored so that a config change shows in the plan next to what it changes.
  input = local._config_path

  lifecycle {
    precondition {
      condition     = length(local.config_errors) == 0
      error_message = join("\n", concat(["config.yaml has ${length(local.config_errors)} problem(s):"], local.config_errors))
    }
  }
}
