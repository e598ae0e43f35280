variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  nullable    = false
}

variable "domain" {
  description = "Sending domain: senders may only be granted From addresses in it."
  type        = string
  nullable    = false
}

variable "identity_arn" {
  description = "ARN of the domain's SES identity; senders may send as it and nothing else."
  type        = string
  nullable    = false
}

variable "configuration_set_arn" {
  description = "ARN of the configuration set senders' mail goes through."
  type        = string
  nullable    = false
}

variable "configuration_set_name" {
  description = "Name of the configuration set rotation notices go through."
  type        = string
  nullable    = false
}

variable "rotation_notices_enabled" {
  description = "Mail the person after a rotation and before the old password stops working."
  type        = bool
  default     = false
  nullable    = false
}

variable "rotation_notices_from" {
  description = "From address of rotation notices, an address of the domain (used with rotation_notices_enabled)."
  type        = string
  default     = null
}

variable "table_name" {
  description = "Credentials table (modules/state): sender records and sealed passwords."
  type        = string
  nullable    = false
}

variable "layer_arn" {
  description = "Dependencies layer (modules/state)."
  type        = string
  nullable    = false
}

variable "kms_key_arn" {
  description = "KMS key for the sealed passwords and the logs."
  type        = string
  nullable    = false
}

variable "lambda_package_dir" {
  description = "Directory holding ses_smtp.zip and dependencies.zip from `make build`."
  type        = string
  nullable    = false
}

variable "lambda_runtime" {
  description = "Python runtime of the functions."
  type        = string
  nullable    = false
}

variable "log_retention_days" {
  description = "How long the functions' logs are kept."
  type        = number
  nullable    = false
}

variable "credentials_function_reserved_concurrency" {
  description = "Reserved concurrency of the credentials function (-1: unreserved)."
  type        = number
  nullable    = false
}

variable "rotation_schedule_expression" {
  description = "When the credentials function's retire run starts (EventBridge Scheduler expression)."
  type        = string
  nullable    = false
}

variable "send_quota_schedule_expression" {
  description = "How often the credentials function reads the account's sending quota and publishes SendQuotaUsed (EventBridge Scheduler rate()), or null: never (no schedule, no ses:GetAccount)."
  type        = string
  default     = null
}

variable "schedule_dead_letter_queue_arn" {
  description = "SQS queue (SQS-managed encryption) that keeps retire runs Scheduler could not start; an existing alarm watches it."
  type        = string
  nullable    = false
}

variable "default_retire_after_days" {
  description = "Days a previous key stays valid after a rotation, unless the rotation says otherwise."
  type        = number
  nullable    = false
}

variable "max_credential_age_days" {
  description = "Age in days past which a current key is reported."
  type        = number
  nullable    = false
}

variable "unused_sender_days" {
  description = "Days without use of a sender's keys after which the retire run reports the sender."
  type        = number
  nullable    = false
}


variable "role_permissions_boundary_arn" {
  description = "Permissions boundary for the functions' roles, or null."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource that supports them."
  type        = map(string)
  nullable    = false
}
