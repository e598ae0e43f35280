variable "name" {
  description = "Function name; also names its role and log group."
  type        = string
  nullable    = false
}

variable "description" {
  description = "What the function does, shown in the Lambda console."
  type        = string
  nullable    = false
}

variable "handler" {
  description = "Python handler, module.function."
  type        = string
  nullable    = false
}

variable "package_path" {
  description = "Path of the code zip built by `make build`."
  type        = string
  nullable    = false
}

variable "layer_arns" {
  description = "Lambda layers (the dependencies layer)."
  type        = list(string)
  nullable    = false
}

variable "environment" {
  description = "Environment variables. Never secrets: the functions read none."
  type        = map(string)
  nullable    = false
}

variable "policy_json" {
  description = "The function's own permissions (IAM policy JSON), besides logging and tracing."
  type        = string
  nullable    = false
}

variable "timeout" {
  description = "Timeout in seconds."
  type        = number
  nullable    = false
}

variable "memory_size" {
  description = "Memory in MB (CPU scales with it)."
  type        = number
  nullable    = false
}

variable "reserved_concurrency" {
  description = "Concurrent executions reserved for (and capping) the function; -1 leaves it unreserved."
  type        = number
  nullable    = false
}

variable "runtime" {
  description = "Python runtime."
  type        = string
  nullable    = false
}

variable "log_retention_days" {
  description = "How long CloudWatch keeps the function's logs."
  type        = number
  nullable    = false
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the log group."
  type        = string
  nullable    = false
}

variable "role_permissions_boundary_arn" {
  description = "Permissions boundary for the function's role, or null."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  nullable    = false
}
