# Operators change config.yaml, not these: they exist so that the offline tests
# can plan other configs (tests/fixtures/) without touching the real one.

variable "config_file" {
  description = "Deployment config (YAML), relative to this folder unless absolute."
  type        = string
  default     = "config.yaml"
  nullable    = false
}

variable "routines_dir" {
  description = "Overrides the config key routines_dir (folder of the SQL routines, relative to this folder)."
  type        = string
  default     = null
}
