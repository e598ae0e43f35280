variable "domain" {
  description = "Domain people send from, e.g. example.com. Validated by the root module."
  type        = string
  nullable    = false
}

variable "mail_from_domain" {
  description = "Custom MAIL FROM domain, a subdomain of domain. Validated by the root module."
  type        = string
  nullable    = false
}

variable "mail_from_behavior_on_mx_failure" {
  description = "What SES does when the MAIL FROM MX record is missing: USE_DEFAULT_VALUE (fall back to amazonses.com) or REJECT_MESSAGE."
  type        = string
  nullable    = false
}

variable "configuration_set_name" {
  description = "Name of the configuration set every message from the domain uses."
  type        = string
  nullable    = false
}

variable "verified_email_addresses" {
  description = "Extra email identities to verify, e.g. sandbox recipients."
  type        = set(string)
  nullable    = false
}

variable "region" {
  description = "Region of the aws provider, where the identity lives (checked by the root module)."
  type        = string
  nullable    = false
}

variable "dkim_signing_hosted_zone" {
  description = "Zone the Easy DKIM CNAMEs point into in this region (SES's SigningHostedZone), e.g. dkim.amazonses.com. The root module looks it up in AWS's per-region table."
  type        = string
  default     = "dkim.amazonses.com"
  nullable    = false
}

variable "dns_record_ttl" {
  description = "TTL in seconds of the DNS records this module asks for."
  type        = number
  nullable    = false
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  nullable    = false
}
