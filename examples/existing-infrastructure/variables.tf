variable "region" {
  description = "Region both deployments send from; SES must have an SMTP endpoint there."
  type        = string
  default     = "eu-west-1"
  nullable    = false
}

variable "zone_name" {
  description = "The repository's Route53 zone; the deployments send as sales.<zone_name> and support.<zone_name>."
  type        = string
  default     = "example.com"
  nullable    = false
}

variable "key_administrator_arns" {
  description = "Who administers the platform key (and applies this configuration), e.g. the deployment role."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.key_administrator_arns) > 0
    error_message = "key_administrator_arns must name at least the principal that applies this configuration: KMS refuses a policy that locks it out."
  }
}

variable "admin_principal_arns" {
  description = "Who may read SMTP passwords of both deployments with `ses-smtp users show`."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "tags" {
  description = "The repository's tags, on every resource that takes tags."
  type        = map(string)
  default     = { Team = "platform", CostCentre = "mail" }
  nullable    = false
}

variable "deletion_protection_enabled" {
  description = "Keep the credentials tables from `terraform destroy` (false only for throwaway environments)."
  type        = bool
  default     = true
  nullable    = false
}
