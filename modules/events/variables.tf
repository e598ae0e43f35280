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
  description = "Module key: encrypts the events and alerts topics and the function's logs."
  type        = string
  nullable    = false
}

variable "table_name" {
  description = "Credentials table, where permanent bounces and complaints are remembered per recipient."
  type        = string
  nullable    = false
}

variable "package_dir" {
  description = "Directory with the zips from `make build`."
  type        = string
  nullable    = false
}

variable "layer_arn" {
  description = "Dependencies layer."
  type        = string
  nullable    = false
}

variable "runtime" {
  description = "Python runtime."
  type        = string
  nullable    = false
}

variable "log_retention_days" {
  description = "Function log retention."
  type        = number
  nullable    = false
}

variable "reserved_concurrency" {
  description = "Reserved concurrency of the events function (-1: unreserved)."
  type        = number
  nullable    = false
}

variable "log_recipient_addresses" {
  description = "Log full recipient addresses (otherwise only their domains)."
  type        = bool
  nullable    = false
}

variable "existing_alerts_topic" {
  description = "Existing SNS topic for the alarms, as { arn = ... }, or null to create one."
  type = object({
    arn = string
  })
  default = null
}

variable "alert_emails" {
  description = "Addresses subscribed to the created alerts topic."
  type        = list(string)
  nullable    = false
}

variable "bounce_rate_thresholds" {
  description = "Warning and critical bounce rate (fractions)."
  type        = list(number)
  nullable    = false
}

variable "complaint_rate_thresholds" {
  description = "Warning and critical complaint rate (fractions)."
  type        = list(number)
  nullable    = false
}

variable "function_names" {
  description = "Every function of the module whose errors and throttles raise an alarm, by role."
  type        = map(string)
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

variable "alert_publisher_rule_arns" {
  description = "EventBridge rules that may publish to the created alerts topic (the key-changes rule)."
  type        = list(string)
  default     = []
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

variable "sender_limit_alarm_enabled" {
  description = "An alarm on SendersOverLimit (the 12th alarm metric, past CloudWatch's free ten)."
  type        = bool
  nullable    = false
}

variable "send_quota_alarm_thresholds" {
  description = "Warning and critical share of the 24-hour sending quota used (fractions) for the SendQuotaUsed alarms; empty: no alarms."
  type        = list(number)
  default     = []
  nullable    = false
}

variable "send_quota_period_seconds" {
  description = "How often the credentials function publishes SendQuotaUsed: each alarm period holds one reading."
  type        = number
  default     = 900
  nullable    = false
}

variable "reports_widget_enabled" {
  description = "Show the DMARC and TLS report widget (the report function's metrics); on when receiving reads reports."
  type        = bool
  default     = false
  nullable    = false
}
