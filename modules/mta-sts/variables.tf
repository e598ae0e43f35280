variable "domain" {
  description = "The domain whose policy is hosted, at mta-sts.<domain>."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of the bucket name."
  type        = string
}

variable "policy" {
  description = "The MTA-STS policy text (RFC 8461)."
  type        = string
}

variable "route53_records_enabled" {
  description = "The caller publishes this module's records (validation_record, the host) in Route53 (modules/dns with a zone): the validation then names the record it waits for. false: published by hand, the validation waits for the certificate alone."
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
