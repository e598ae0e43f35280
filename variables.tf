variable "domain" {
  description = "Domain people send from, e.g. example.com. A custom MAIL FROM subdomain is created under it."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain)) && length(var.domain) <= 253
    error_message = "domain must be a lower-case DNS name such as example.com (letters, digits and hyphens, at most 253 characters)."
  }
}

variable "mail_from_domain" {
  description = "Custom MAIL FROM domain: a subdomain of domain that no other service uses. null means mail.<domain>."
  type        = string
  default     = null

  validation {
    condition = var.mail_from_domain == null || try(
      can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.mail_from_domain)) && endswith(var.mail_from_domain, ".${var.domain}"),
      false
    )
    error_message = "mail_from_domain must be a lower-case subdomain of domain, e.g. mail.example.com for example.com."
  }
}

variable "mail_from_behavior_on_mx_failure" {
  description = "What SES does when the MAIL FROM MX record is missing: USE_DEFAULT_VALUE (send with amazonses.com as MAIL FROM; DMARC then relies on DKIM alone) or REJECT_MESSAGE."
  type        = string
  default     = "USE_DEFAULT_VALUE"
  nullable    = false

  validation {
    condition     = contains(["USE_DEFAULT_VALUE", "REJECT_MESSAGE"], var.mail_from_behavior_on_mx_failure)
    error_message = "mail_from_behavior_on_mx_failure must be USE_DEFAULT_VALUE or REJECT_MESSAGE."
  }
}

variable "verified_email_addresses" {
  description = "Extra email addresses to verify as SES identities, e.g. recipients to test with while the account is in the SES sandbox. SES mails each one a verification link."
  type        = set(string)
  default     = []
  nullable    = false

  validation {
    condition = alltrue([
      for address in var.verified_email_addresses :
      can(regex("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", address))
    ])
    error_message = "verified_email_addresses must hold plain addresses such as alice@example.com, with a lower-case domain part."
  }
}

variable "route53_zone_id" {
  description = "Route53 hosted zone of domain. When given, the module creates every DNS record there; when null it creates none and returns them in dns_records and dns_zone_file."
  type        = string
  default     = null

  validation {
    condition     = var.route53_zone_id == null || can(regex("^Z[A-Z0-9]{1,31}$", var.route53_zone_id))
    error_message = "route53_zone_id must be a hosted zone id such as Z0123456789ABCDEFGHIJ (not the zone name)."
  }
}

variable "dns_record_ttl" {
  description = "TTL in seconds of the DNS records the module asks for."
  type        = number
  default     = 1800
  nullable    = false

  validation {
    condition     = var.dns_record_ttl >= 60 && var.dns_record_ttl <= 86400 && floor(var.dns_record_ttl) == var.dns_record_ttl
    error_message = "dns_record_ttl must be a whole number of seconds between 60 and 86400."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name, so several deployments can share an account."
  type        = string
  default     = "ses-smtp"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 2 to 32 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "tags" {
  description = "Tags applied to every resource that supports them."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for key, value in var.tags : length(key) >= 1 && length(key) <= 128 && length(value) <= 256 && !startswith(lower(key), "aws:")])
    error_message = "tags keys must be 1 to 128 characters and not start with aws:, values at most 256 characters."
  }
}
