variable "name_prefix" {
  description = "Prefix of every resource name; the functions publish their metrics with it as the service dimension."
  type        = string
  nullable    = false
}

variable "kms_key_arn" {
  description = "Module key: encrypts the created alerts topic."
  type        = string
  nullable    = false
}

variable "existing_alerts_topic" {
  description = "An existing SNS topic for the alarms, as { arn = ... }; null creates one (encrypted with the module's key)."
  type = object({
    arn = string
  })
  default = null
}

variable "alert_emails" {
  description = "Addresses subscribed to the created alerts topic (each confirms by email)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "alert_publisher_rule_arns" {
  description = "EventBridge rules that may publish to the created alerts topic (the key-changes rule)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "bounce_rate_alarm_thresholds" {
  description = "Account bounce rates, as fractions, at which the warning and critical alarms fire (SES reviews at 0.05). Validated by the root module."
  type = object({
    warning  = number
    critical = number
  })
  nullable = false
}

variable "complaint_rate_alarm_thresholds" {
  description = "Account complaint rates, as fractions, at which the warning and critical alarms fire (SES reviews at 0.001). Validated by the root module."
  type = object({
    warning  = number
    critical = number
  })
  nullable = false
}

variable "send_quota_alarm_enabled" {
  description = "Alarms on SendQuotaUsed, the share of the 24-hour sending quota the credentials function reads and publishes."
  type        = bool
  default     = true
  nullable    = false
}

variable "send_quota_alarm_thresholds" {
  description = "Shares of the account's 24-hour sending quota used, as fractions, at which the warning and critical alarms fire (0.8 is 80%)."
  type = object({
    warning  = number
    critical = number
  })
  default  = { warning = 0.8, critical = 0.95 }
  nullable = false
}

variable "send_quota_period_seconds" {
  description = "How often the credentials function publishes SendQuotaUsed: each alarm period holds one reading."
  type        = number
  default     = 900
  nullable    = false
}

variable "sender_limit_action" {
  description = "What passing a limit does (alert, or quarantine): the alarm's description says which."
  type        = string
  nullable    = false
}

variable "sender_limit_alarm_enabled" {
  description = "An alarm on SendersOverLimit (the 12th alarm metric, past CloudWatch's free ten)."
  type        = bool
  nullable    = false
}

variable "function_names" {
  description = "Every function whose errors and throttles raise an alarm and show on the dashboard, by role."
  type        = map(string)
  nullable    = false
}

variable "events_queue_name" {
  description = "The SES events queue (modules/events): an alarm on its backlog."
  type        = string
  nullable    = false
}

variable "events_dead_letter_queue_name" {
  description = "The events dead-letter queue (modules/events), which also keeps scheduled runs Scheduler could not start: an alarm on its first message."
  type        = string
  nullable    = false
}

variable "receiving" {
  description = "Receiving (modules/receiving): its forwarding function, the dead-letter queue of its failed invocations and the bucket that keeps the mail; null: receiving is off."
  type = object({
    function_name          = string
    dead_letter_queue_name = string
    bucket_name            = string
    reports_enabled        = bool
  })
  default = null
}

variable "reports_widget_enabled" {
  description = "Show the DMARC and TLS report widget (the report function's metrics); on when receiving reads reports."
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags for every resource that supports them."
  type        = map(string)
  nullable    = false
}
