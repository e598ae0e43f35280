variable "region" {
  description = "Region to send from; SES must have an SMTP endpoint there."
  type        = string
  default     = "eu-west-1"
  nullable    = false
}

variable "domain" {
  description = "Domain people send from, e.g. example.com."
  type        = string
  nullable    = false
}

variable "route53_zone_id" {
  description = "Route53 hosted zone of the domain, or null to publish the records elsewhere by hand."
  type        = string
  default     = null
}

variable "verified_email_addresses" {
  description = "Addresses to verify for testing while the account is in the SES sandbox."
  type        = set(string)
  default     = []
  nullable    = false
}

variable "admin_principal_arns" {
  description = "Who may read SMTP passwords with `ses-smtp users show`, e.g. your platform team's role."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "inbound_mx" {
  description = "Host names of the domain's inbound mail servers, for its MTA-STS policy (empty: no MTA-STS)."
  type        = list(string)
  default     = []
}

variable "mta_sts_hosting_enabled" {
  description = "Host the MTA-STS policy (S3, CloudFront, ACM in us-east-1); needs inbound_mx."
  type        = bool
  default     = false
}

variable "receiving_enabled" {
  description = "Receive mail for the domain with SES and forward it to senders' own mailboxes (sets the domain's MX: only where no other mail host receives for it)."
  type        = bool
  default     = false
}

variable "receipt_rule_set_activation_enabled" {
  description = "With receiving_enabled and no receipt_rule_set_name: create a rule set and make it the ACTIVE one. Only where `aws ses describe-active-receipt-rule-set` prints nothing: activating another silently stops the active one's mail."
  type        = bool
  default     = false
}

variable "receipt_rule_set_name" {
  description = "The account's ACTIVE receipt rule set to add the module's rule to (aws ses describe-active-receipt-rule-set). null only where none is active in the account and region: the module then creates one and activates it."
  type        = string
  default     = null
}
