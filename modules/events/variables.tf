variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  nullable    = false
}

variable "configuration_set_name" {
  description = "Configuration set whose events are published."
  type        = string
  nullable    = false
}

variable "configuration_set_arn" {
  description = "ARN of that configuration set (the only source SES may publish from)."
  type        = string
  nullable    = false
}

variable "kms_key_arn" {
  description = "Module key: encrypts the events topic and the function's logs."
  type        = string
  nullable    = false
}

variable "table_name" {
  description = "Credentials table, where permanent bounces and complaints are remembered per recipient."
  type        = string
  nullable    = false
}

variable "lambda_package_dir" {
  description = "Directory with the zips from `make build`."
  type        = string
  nullable    = false
}

variable "layer_arn" {
  description = "Dependencies layer."
  type        = string
  nullable    = false
}

variable "lambda_runtime" {
  description = "Python runtime."
  type        = string
  nullable    = false
}

variable "log_retention_days" {
  description = "Function log retention."
  type        = number
  nullable    = false
}

variable "events_function_reserved_concurrency" {
  description = "Reserved concurrency of the events function (-1: unreserved)."
  type        = number
  nullable    = false
}

variable "recipient_address_logging_enabled" {
  description = "Log full recipient addresses (otherwise only their domains)."
  type        = bool
  nullable    = false
}






variable "credentials_function_name" {
  description = "The credentials function, which quarantines a sender over its limits (sender_limit_action = quarantine)."
  type        = string
  nullable    = false
}

variable "role_permissions_boundary_arn" {
  description = "Permissions boundary for roles, or null."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource that supports them."
  type        = map(string)
  nullable    = false
}


variable "sender_limits" {
  description = "Default per-sender limits (ses_smtp.limits.Limits): per_hour, per_day, max_bounce_rate, max_complaint_rate, min_volume."
  type = object({
    per_hour           = number
    per_day            = number
    max_bounce_rate    = number
    max_complaint_rate = number
    min_volume         = number
  })
  nullable = false
}

variable "sender_limit_action" {
  description = "What passing a limit does: alert, or quarantine (the sender's keys deactivated)."
  type        = string
  nullable    = false
}
