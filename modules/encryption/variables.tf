variable "name_prefix" {
  description = "Prefix of the key alias."
  type        = string
  nullable    = false
}

variable "kms_key_arn" {
  description = "Existing KMS key to use instead of creating one, or null. Its policy is then the caller's to maintain (see key_policy_statements_json)."
  type        = string
  default     = null
}

variable "key_administrator_arns" {
  description = "Principals that administer the key (never use it). Empty means the account root, so IAM policies decide."
  type        = list(string)
  nullable    = false
}

variable "credentials_role_arn" {
  description = "Role of the credentials function: may GenerateDataKey with the password context, never Decrypt."
  type        = string
  nullable    = false
}

variable "admin_principal_arns" {
  description = "Principals that may Decrypt stored SMTP passwords (with the password context only)."
  type        = list(string)
  nullable    = false
}

variable "log_group_name_prefix" {
  description = "Log groups whose names start with this may be encrypted with the key."
  type        = string
  nullable    = false
}

variable "deletion_window_in_days" {
  description = "Days a scheduled deletion of the key can still be cancelled."
  type        = number
  nullable    = false
}

variable "tags" {
  description = "Tags for the key."
  type        = map(string)
  nullable    = false
}
