variable "name_prefix" {
  description = "Prefix of the key alias and of the key-changes rule."
  type        = string
  nullable    = false
}

variable "existing_kms_key" {
  description = "Existing KMS key to use instead of creating one, as { arn = ... }, or null. Its policy is then the caller's to maintain (see key_policy_statements_json)."
  type = object({
    arn = string
  })
  default = null
}

variable "kms_key_administrator_arns" {
  description = "Principals that administer the key (never use it). Empty means whoever runs Terraform (the role of an assumed-role session); never the account root."
  type        = list(string)
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.kms_key_administrator_arns : !can(regex(":root$", arn))])
    error_message = "key_administrator_arns must not name an account root: a root principal lets every IAM policy in the account administer the key, and key administrators can make themselves readers."
  }
}

variable "credentials_role_name" {
  description = "Role of the credentials function (named, not referenced, so that the statements need no role to exist): may GenerateDataKey with the password context, never Decrypt."
  type        = string
  nullable    = false
}

variable "admin_principal_arns" {
  description = "Principals that may Decrypt stored SMTP passwords (with the password context only)."
  type        = list(string)
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.admin_principal_arns : !can(regex(":root$", arn))])
    error_message = "admin_principal_arns must not name an account root: a root principal lets every IAM policy in the account that allows kms:Decrypt read the passwords."
  }
}

variable "table_name" {
  description = "Name of the credentials table: the only table DynamoDB may encrypt with the key."
  type        = string
  nullable    = false
}

variable "topic_names" {
  description = "SNS topics of this module encrypted with the key: the only topics SES, CloudWatch and EventBridge may use it for."
  type        = list(string)
  nullable    = false
}

variable "alerts_topic_arn" {
  description = "Topic that hears about changes to the key's policy, grants, rotation or state."
  type        = string
  nullable    = false
}

variable "log_group_name_prefix" {
  description = "Log groups whose names start with this may be encrypted with the key."
  type        = string
  nullable    = false
}

variable "kms_key_deletion_window_in_days" {
  description = "Days a scheduled deletion of the key can still be cancelled."
  type        = number
  nullable    = false
}

variable "tags" {
  description = "Tags for the key."
  type        = map(string)
  nullable    = false
}

variable "received_mail" {
  description = "Optional receiving: the bucket SES stores received mail in, and the roles that read it (the forwarding function, administrators). Adds one statement allowing SES and them to use the key through S3 for that bucket only. null adds nothing."
  type = object({
    bucket_arn  = string
    reader_arns = list(string)
  })
  default = null
}
