variable "domain" {
  description = "Zone origin for the zone file, e.g. example.com."
  type        = string
  nullable    = false
}

variable "records" {
  description = "Records to publish, keyed by a stable id known at plan time: map of {name, type, value, ttl, purpose}."
  type = map(object({
    name    = string
    type    = string
    value   = string
    ttl     = number
    purpose = string
  }))
  nullable = false
}

variable "route53_zone_id" {
  description = "Route53 hosted zone to create the records in, or null to create none."
  type        = string
  default     = null
}
