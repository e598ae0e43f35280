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

variable "validation_record_fqdns" {
  description = "Route53 names of the certificate's validation record, once created; empty when the caller publishes it by hand."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
