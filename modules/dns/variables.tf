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

variable "existing_route53_zone" {
  description = "Route53 hosted zone to create the records in, as { id = ... }, or null to create none."
  type = object({
    id = string
  })
  default = null
}

variable "dmarc" {
  description = "DMARC record to publish at _dmarc.<domain>, or null for none. Validated by the root module."
  type = object({
    policy           = string
    subdomain_policy = optional(string)
    nonexistent      = optional(string)
    testing          = optional(bool, false)
    rua              = list(string)
    ruf              = list(string)
    adkim            = string
    aspf             = string
  })
  default = null
}

variable "tls_rpt_rua" {
  description = "Where TLS-RPT reports go (mailto: or https: URIs); empty publishes no _smtp._tls record."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "dns_record_ttl" {
  description = "TTL of the records this module adds."
  type        = number
  default     = 1800
  nullable    = false
}

variable "mta_sts" {
  description = "MTA-STS: the policy id, and when the module hosts the policy, ACM's validation record. null publishes nothing."
  type = object({
    policy_id = string
    hosted    = bool # known at plan, unlike the names
    validation = optional(object({
      name  = string
      type  = string
      value = string
    }))
  })
  default = null
}

variable "mta_sts_host_target" {
  description = "CloudFront's name for the distribution serving the MTA-STS policy (null when not hosted). Apart from mta_sts: it exists only after the certificate is validated through the other records."
  type        = string
  default     = null
}
