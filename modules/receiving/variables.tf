variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  nullable    = false
}

variable "domain" {
  description = "Domain whose mail is received (the receipt rule's recipient)."
  type        = string
  nullable    = false
}

variable "region" {
  description = "Region of the SES identity; SES must receive mail there (checked by the root module)."
  type        = string
  nullable    = false
}

variable "identity_arn" {
  description = "The domain's SES identity: forwarded mail is sent as it."
  type        = string
  nullable    = false
}

variable "configuration_set_arn" {
  description = "The identity's default configuration set (sends through the identity use it)."
  type        = string
  nullable    = false
}

variable "kms_key_arn" {
  description = "Module key: encrypts stored mail, the dead-letter queue and the function's logs."
  type        = string
  nullable    = false
}

variable "table_name" {
  description = "Credentials table: the function reads sender records (granted addresses, forward_to)."
  type        = string
  nullable    = false
}

variable "existing_receipt_rule_set" {
  description = "The account's active receipt rule set the rule is added to, as { name = ... }; null creates <name_prefix>-receiving and makes it the account's active one (SES has one active rule set per account and region: activating another stops the first one's mail)."
  type = object({
    name = string
  })
  default = null
}

variable "receipt_rule_set_activation_enabled" {
  description = "Without existing_receipt_rule_set: create <name_prefix>-receiving and make it the account's ACTIVE receipt rule set. SES has one active rule set per account and region, and activating another silently stops all mail the active one receives, so the module activates one only when this is true: check first that `aws ses describe-active-receipt-rule-set` prints nothing."
  type        = bool
  default     = false
  nullable    = false

  # The provider cannot tell at plan whether a rule set is active (its data source fails when none is), so
  # the caller says which case it is: joining the active one, or activating the module's own.
  validation {
    condition     = var.existing_receipt_rule_set != null || var.receipt_rule_set_activation_enabled
    error_message = "receiving needs a receipt rule set: existing_receipt_rule_set = { name = \"<the active one>\" } (`aws ses describe-active-receipt-rule-set` names it), or, only where that command prints nothing, receipt_rule_set_activation_enabled = true."
  }

  validation {
    condition     = !(var.existing_receipt_rule_set != null && var.receipt_rule_set_activation_enabled)
    error_message = "existing_receipt_rule_set and receipt_rule_set_activation_enabled exclude each other: the module joins the given rule set and activates nothing."
  }
}

variable "received_mail_retention_days" {
  description = "Days received mail is kept in the bucket."
  type        = number
  nullable    = false
}

variable "receiving_unknown_recipient" {
  description = "What happens to mail for an address no sender holds: drop or bounce."
  type        = string
  nullable    = false
}

variable "receiving_tls_policy" {
  description = "Require or Optional: whether SES refuses mail delivered without TLS."
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


variable "role_permissions_boundary_arn" {
  description = "Permissions boundary for the function's role, or null."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource that supports them."
  type        = map(string)
  nullable    = false
}

variable "report_recipients" {
  description = "Addresses of the domain that receive DMARC aggregate and TLS-RPT reports; the report rule and function exist only when this holds one."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "mail_from_domain" {
  description = "The identity's custom MAIL FROM domain: a report row whose SPF passed for it was sent by SES for this deployment."
  type        = string
  default     = ""
  nullable    = false
}

variable "report_retention_days" {
  description = "Days a report summary is kept in the table."
  type        = number
  default     = 400
  nullable    = false
}
