variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  nullable    = false
}

variable "table_name" {
  description = "Name of the credentials table (the caller names it: the key policy names it too)."
  type        = string
  nullable    = false
}

variable "kms_key_arn" {
  description = "KMS key the table is encrypted with."
  type        = string
  nullable    = false
}

variable "writer_role_names" {
  description = "Roles that may write table items (the functions' execution roles); the table denies item writes to every other principal."
  type        = list(string)
  nullable    = false
}

variable "credentials_table_deletion_protection_enabled" {
  description = "Protect the credentials table from deletion."
  type        = bool
  nullable    = false
}

variable "lambda_package_dir" {
  description = "Directory holding dependencies.zip from `make build`."
  type        = string
  nullable    = false
}

variable "lambda_runtime" {
  description = "Python runtime the layer is published for."
  type        = string
  nullable    = false
}

variable "tags" {
  description = "Tags for every resource that supports them."
  type        = map(string)
  nullable    = false
}
