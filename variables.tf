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

# Bring-your-own inputs are objects, { arn = ... } or { id = ... }: whether one is given is then known
# at plan even when its value is not (a key, topic or zone created in the same apply).

variable "existing_route53_zone" {
  description = "Route53 hosted zone of domain, as { id = ... }. When given, the module creates every DNS record there; when null it creates none and returns them in dns_records and dns_zone_file."
  type = object({
    id = string
  })
  default = null

  validation {
    condition     = var.existing_route53_zone == null || can(regex("^Z[A-Z0-9]{1,31}$", var.existing_route53_zone.id))
    error_message = "existing_route53_zone.id must be a hosted zone id such as Z0123456789ABCDEFGHIJ (not the zone name)."
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

# Credentials

variable "admin_principal_arns" {
  description = "IAM principals (users or roles, never an account root) that may read stored SMTP passwords with `ses-smtp users show`: kms:Decrypt in the key policy, with the password encryption context only. Empty means nobody can read them (issuing and rotating still work)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.admin_principal_arns : can(regex("^arn:aws[a-z-]*:(iam::[0-9]{12}:(user|role)/.+|sts::[0-9]{12}:assumed-role/.+)$", arn))])
    error_message = "admin_principal_arns must be IAM user or role ARNs such as arn:aws:iam::123456789012:role/platform-admins. An account root (arn:aws:iam::123456789012:root) is refused: it would let every IAM policy in the account that allows kms:Decrypt read the passwords."
  }
}

variable "existing_kms_key" {
  description = "An existing KMS key to use instead of creating one (saves its $1/month), as { arn = ... }. Add kms_key_policy_statements_json to its policy before the module's resources (it depends on inputs only), and keep out of it what docs/security.md lists (an account root with kms:*, grants), or IAM policies decide who reads passwords."
  type = object({
    arn = string
  })
  default = null

  validation {
    condition     = var.existing_kms_key == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-f0-9-]{36}$", var.existing_kms_key.arn))
    error_message = "existing_kms_key.arn must be a key ARN such as arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (not an alias)."
  }
}

variable "kms_key_administrator_arns" {
  description = "Principals that administer (never use) the created key: named actions only, no grants, every change alerted. Empty means whoever runs Terraform (the role, for an assumed-role session). Never an account root."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.kms_key_administrator_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(user|role)/.+$", arn))])
    error_message = "kms_key_administrator_arns must be IAM user or role ARNs. An account root is refused: it would let every IAM policy in the account administer the key, and a key administrator can make itself a password reader."
  }
}

variable "kms_key_deletion_window_in_days" {
  description = "Days during which a scheduled deletion of the created key can be cancelled."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.kms_key_deletion_window_in_days >= 7 && var.kms_key_deletion_window_in_days <= 30
    error_message = "kms_key_deletion_window_in_days must be between 7 and 30."
  }
}

variable "credentials_table_deletion_protection_enabled" {
  description = "Protect the credentials table from deletion (turn off only for throwaway deployments)."
  type        = bool
  default     = true
  nullable    = false
}

variable "default_retire_after_days" {
  description = "Days a sender's previous key keeps working after a rotation, so mail clients keep sending until the new password is entered."
  type        = number
  default     = 7
  nullable    = false

  validation {
    condition     = var.default_retire_after_days >= 0 && var.default_retire_after_days <= 90
    error_message = "default_retire_after_days must be between 0 and 90."
  }
}

variable "max_credential_age_days" {
  description = "Age in days past which a sender's current key is reported (metric and log line) as due for rotation."
  type        = number
  default     = 90
  nullable    = false

  validation {
    condition     = var.max_credential_age_days >= 1 && var.max_credential_age_days <= 3650
    error_message = "max_credential_age_days must be between 1 and 3650."
  }
}

variable "unused_sender_days" {
  description = "Days without any use of a sender's keys after which the scheduled retire run reports the sender (metric UnusedSenders and a log line): a leaver's access gets noticed. `ses-smtp users list --unused-days N` lists them on demand."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.unused_sender_days >= 1 && var.unused_sender_days <= 3650
    error_message = "unused_sender_days must be between 1 and 3650."
  }
}

variable "rotation_notices_enabled" {
  description = "Mail the person after `rotate`, and a day before the old password stops working (rate() schedules only), with what to do in Gmail, from rotation_notices_from. Never a password. See docs/credentials.md."
  type        = bool
  default     = false
  nullable    = false
}

variable "rotation_notices_from" {
  description = "With rotation_notices_enabled: From address of rotation notices, an address of the domain. null means no-reply@<domain>."
  type        = string
  default     = null

  validation {
    condition     = var.rotation_notices_from == null || can(regex("^[a-z0-9]([a-z0-9._+=-]{0,62}[a-z0-9_+=-])?@${replace(var.domain, ".", "\\.")}$", var.rotation_notices_from))
    error_message = "rotation_notices_from must be a lower-case address of the domain, such as no-reply@<domain>."
  }

  validation {
    # Before rotation_notices_enabled, an address alone turned notices on: say so rather than send none.
    condition     = var.rotation_notices_from == null || var.rotation_notices_enabled
    error_message = "rotation_notices_from is set but rotation_notices_enabled is false: set rotation_notices_enabled = true to send rotation notices, or remove rotation_notices_from."
  }
}

variable "rotation_schedule_expression" {
  description = "When previous keys past their grace period are retired (the credentials function's scheduled run): an EventBridge Scheduler rate() or cron() expression."
  type        = string
  default     = "rate(1 day)"
  nullable    = false

  validation {
    condition     = can(regex("^(rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\)|cron\\(.+\\))$", var.rotation_schedule_expression))
    error_message = "rotation_schedule_expression must be rate(N unit) or cron(...), e.g. rate(1 day)."
  }
}

variable "lambda_package_dir" {
  description = "Directory with ses_smtp.zip and dependencies.zip, for people who build their own. null means the zips committed in the module (functions/dist), which `make build` reproduces byte for byte."
  type        = string
  default     = null
}

variable "lambda_runtime" {
  description = "Python runtime of the functions."
  type        = string
  default     = "python3.13"
  nullable    = false

  validation {
    condition     = contains(["python3.12", "python3.13"], var.lambda_runtime)
    error_message = "lambda_runtime must be python3.12 or python3.13 (the dependencies layer is built for them)."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the functions' logs."
  type        = number
  default     = 365
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts, e.g. 30, 90, 365."
  }
}

variable "credentials_function_reserved_concurrency" {
  description = "Concurrency reserved for the credentials function; -1 leaves it unreserved (needed on accounts with the minimum concurrency quota)."
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = var.credentials_function_reserved_concurrency == -1 || (var.credentials_function_reserved_concurrency >= 1 && var.credentials_function_reserved_concurrency <= 100)
    error_message = "credentials_function_reserved_concurrency must be -1 or between 1 and 100."
  }
}

variable "role_permissions_boundary_arn" {
  description = "Permissions boundary to put on every IAM role the module creates, where the organisation requires one."
  type        = string
  default     = null

  validation {
    condition     = var.role_permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.role_permissions_boundary_arn))
    error_message = "role_permissions_boundary_arn must be an IAM policy ARN."
  }
}

# Email authentication records

variable "dmarc_enabled" {
  description = "Publish a DMARC record at _dmarc.<domain>. Turn off when the domain already has one: only one may exist."
  type        = bool
  default     = true
  nullable    = false
}

variable "dmarc_policy" {
  description = "DMARC policy for mail failing alignment: none (monitor), quarantine or reject. Start with none, read the reports, then tighten."
  type        = string
  default     = "none"
  nullable    = false

  validation {
    condition     = contains(["none", "quarantine", "reject"], var.dmarc_policy)
    error_message = "dmarc_policy must be none, quarantine or reject."
  }
}

variable "dmarc_subdomain_policy" {
  description = "DMARC policy for subdomains (sp=); null means the same as dmarc_policy."
  type        = string
  default     = null

  validation {
    condition     = var.dmarc_subdomain_policy == null || contains(["none", "quarantine", "reject"], coalesce(var.dmarc_subdomain_policy, "none"))
    error_message = "dmarc_subdomain_policy must be none, quarantine, reject or null."
  }
}

variable "dmarc_nonexistent_subdomain_policy" {
  description = "DMARC policy for mail from subdomains that do not exist in DNS (np=, RFC 9989); null leaves it to sp= and p=. reject stops mail from made-up names such as billing.<domain> without touching real subdomains."
  type        = string
  default     = null

  validation {
    condition     = var.dmarc_nonexistent_subdomain_policy == null || contains(["none", "quarantine", "reject"], coalesce(var.dmarc_nonexistent_subdomain_policy, "none"))
    error_message = "dmarc_nonexistent_subdomain_policy must be none, quarantine, reject or null."
  }
}

variable "dmarc_testing_enabled" {
  description = "Publish t=y (RFC 9989 testing mode): receivers apply one step less than the policy (quarantine as none, reject as quarantine) while you watch the reports. Replaces pct=0. Receivers that only know RFC 7489 ignore t= and apply the policy as written."
  type        = bool
  default     = false
  nullable    = false

  validation {
    # t= has no effect on a policy of none (RFC 9989 section 4.7): testing one is a mistake to point out.
    condition     = !var.dmarc_testing_enabled || anytrue([for policy in [var.dmarc_policy, var.dmarc_subdomain_policy, var.dmarc_nonexistent_subdomain_policy] : policy != null && policy != "none"])
    error_message = "dmarc_testing_enabled has no effect while every DMARC policy is none: set dmarc_policy = \"quarantine\" (or reject) to test it, or leave dmarc_testing_enabled false."
  }
}

variable "dmarc_rua" {
  description = "Addresses that receive DMARC aggregate reports (rua=mailto:...). An address outside the domain must authorise it in its own DNS. Empty with receiving_enabled (and receiving_reports_enabled): dmarc-reports@<domain>, read by the report function."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for address in var.dmarc_rua : can(regex("^[A-Za-z0-9._%+-]+@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", address))])
    error_message = "dmarc_rua must hold plain addresses such as dmarc@example.com (mailto: is added)."
  }
}

variable "dmarc_ruf" {
  description = "Addresses that receive DMARC failure reports (ruf=mailto:...). Few receivers send them; they may contain personal data."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for address in var.dmarc_ruf : can(regex("^[A-Za-z0-9._%+-]+@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", address))])
    error_message = "dmarc_ruf must hold plain addresses such as dmarc@example.com (mailto: is added)."
  }
}

variable "dmarc_adkim" {
  description = "DKIM alignment: r (relaxed, subdomains align) or s (strict)."
  type        = string
  default     = "r"
  nullable    = false

  validation {
    condition     = contains(["r", "s"], var.dmarc_adkim)
    error_message = "dmarc_adkim must be r or s."
  }
}

variable "dmarc_aspf" {
  description = "SPF alignment: r (relaxed: the MAIL FROM subdomain aligns) or s (strict: it does not; keep r with a custom MAIL FROM)."
  type        = string
  default     = "r"
  nullable    = false

  validation {
    condition     = contains(["r", "s"], var.dmarc_aspf)
    error_message = "dmarc_aspf must be r or s."
  }
}

variable "tls_rpt_enabled" {
  description = "Publish a TLS-RPT record (_smtp._tls.<domain>): senders report TLS problems delivering to the domain to tls_rpt_rua. Needs tls_rpt_rua, or receiving_enabled with receiving_reports_enabled (then mailto:tls-reports@<domain>, read by the report function)."
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = !var.tls_rpt_enabled || length(var.tls_rpt_rua) > 0 || (var.receiving_enabled && var.receiving_reports_enabled)
    error_message = "tls_rpt_enabled needs tls_rpt_rua (where reports go, e.g. [\"mailto:tls-reports@example.com\"]), or receiving_enabled with receiving_reports_enabled to read them at tls-reports@<domain>."
  }

  validation {
    # Before tls_rpt_enabled, addresses alone published the record: say so rather than drop it. (Here,
    # not on tls_rpt_rua: validations that name each other's variables would form a cycle.)
    condition     = var.tls_rpt_enabled || length(var.tls_rpt_rua) == 0
    error_message = "tls_rpt_rua is set but tls_rpt_enabled is false: set tls_rpt_enabled = true to publish the TLS-RPT record, or remove tls_rpt_rua."
  }
}

variable "tls_rpt_rua" {
  description = "With tls_rpt_enabled: where senders report TLS problems delivering to the domain, as mailto: or https: URIs. Empty with receiving_enabled (and receiving_reports_enabled): mailto:tls-reports@<domain>, read by the report function."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for uri in var.tls_rpt_rua : can(regex("^(mailto:[^@,;\\s]+@[^@,;\\s]+|https://[^,;\\s]+)$", uri))])
    error_message = "tls_rpt_rua must hold URIs such as mailto:tls-reports@example.com or https://reports.example.com/tlsrpt."
  }
}

# Events and monitoring

variable "existing_alerts_topic" {
  description = "An existing SNS topic for the alarms, as { arn = ... }; null creates one (encrypted with the module's key)."
  type = object({
    arn = string
  })
  default = null

  validation {
    condition     = var.existing_alerts_topic == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.existing_alerts_topic.arn))
    error_message = "existing_alerts_topic.arn must be an SNS topic ARN."
  }
}

variable "alert_emails" {
  description = "Addresses subscribed to the created alerts topic (each confirms by email)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for address in var.alert_emails : can(regex("^[A-Za-z0-9._%+-]+@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", address))])
    error_message = "alert_emails must hold plain addresses such as ops@example.com."
  }
}

variable "bounce_rate_alarm_thresholds" {
  description = "Account bounce rates, as fractions, at which the warning and critical alarms fire (SES reviews an account at 0.05 and may pause it at 0.1)."
  type = object({
    warning  = number
    critical = number
  })
  default  = { warning = 0.02, critical = 0.04 }
  nullable = false

  validation {
    condition     = alltrue([for level in [var.bounce_rate_alarm_thresholds.warning, var.bounce_rate_alarm_thresholds.critical] : level > 0 && level < 0.1])
    error_message = "bounce_rate_alarm_thresholds: warning and critical must each be above 0 and below 0.1 (fractions: 0.02 is 2%)."
  }

  validation {
    condition     = var.bounce_rate_alarm_thresholds.warning < var.bounce_rate_alarm_thresholds.critical
    error_message = "bounce_rate_alarm_thresholds: warning must be lower than critical (the warning alarm fires first)."
  }
}

variable "complaint_rate_alarm_thresholds" {
  description = "Account complaint rates, as fractions, at which the warning and critical alarms fire (SES reviews an account at 0.001 and may pause it at 0.005)."
  type = object({
    warning  = number
    critical = number
  })
  default  = { warning = 0.0004, critical = 0.0008 }
  nullable = false

  validation {
    condition     = alltrue([for level in [var.complaint_rate_alarm_thresholds.warning, var.complaint_rate_alarm_thresholds.critical] : level > 0 && level < 0.005])
    error_message = "complaint_rate_alarm_thresholds: warning and critical must each be above 0 and below 0.005 (fractions: 0.001 is 0.1%)."
  }

  validation {
    condition     = var.complaint_rate_alarm_thresholds.warning < var.complaint_rate_alarm_thresholds.critical
    error_message = "complaint_rate_alarm_thresholds: warning must be lower than critical (the warning alarm fires first)."
  }
}

variable "send_quota_alarm_enabled" {
  description = "Alarms when the account's 24-hour sending quota is close to used up (SES refuses mail over it and does not retry). The credentials function reads SES GetAccount every 15 minutes and publishes SesSmtp/SendQuotaUsed (percent); two alarms watch it. Costs: 0.20 USD a month past CloudWatch's ten free alarm metrics, one custom metric (0.30 USD a month past the ten free ones), about 2,900 invocations a month (inside Lambda's free tier). false removes the schedule, the alarms and the function's ses:GetAccount."
  type        = bool
  default     = true
  nullable    = false
}

variable "send_quota_alarm_thresholds" {
  description = "Shares of the account's 24-hour sending quota used, as fractions, at which the warning and critical alarms fire (0.8 is 80%)."
  type = object({
    warning  = number
    critical = number
  })
  default  = { warning = 0.8, critical = 0.95 }
  nullable = false

  validation {
    condition     = alltrue([for level in [var.send_quota_alarm_thresholds.warning, var.send_quota_alarm_thresholds.critical] : level > 0 && level <= 1])
    error_message = "send_quota_alarm_thresholds: warning and critical must each be above 0 and at most 1 (fractions: 0.8 is 80%)."
  }

  validation {
    condition     = var.send_quota_alarm_thresholds.warning < var.send_quota_alarm_thresholds.critical
    error_message = "send_quota_alarm_thresholds: warning must be lower than critical (the warning alarm fires first)."
  }
}

variable "recipient_address_logging_enabled" {
  description = "Log full recipient addresses of SES events; by default only their domains (privacy)."
  type        = bool
  default     = false
  nullable    = false
}

variable "events_function_reserved_concurrency" {
  description = "Concurrency reserved for the events function; -1 leaves it unreserved."
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = var.events_function_reserved_concurrency == -1 || (var.events_function_reserved_concurrency >= 1 && var.events_function_reserved_concurrency <= 100)
    error_message = "events_function_reserved_concurrency must be -1 or between 1 and 100."
  }
}

# MTA-STS: protects mail *to* the domain (its inbound servers, not SES) from TLS downgrade.

variable "mta_sts_policy_enabled" {
  description = "Publish an MTA-STS policy for the domain's inbound servers (mta_sts_mx): its _mta-sts record and its text (output mta_sts_policy), served by you or, with mta_sts_hosting_enabled, by the module."
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = !var.mta_sts_policy_enabled || length(var.mta_sts_mx) > 0
    error_message = "mta_sts_policy_enabled needs mta_sts_mx: the host names of the domain's inbound mail servers the policy names."
  }

  validation {
    # Before mta_sts_policy_enabled, host names alone published the policy: say so rather than drop it.
    # (Here, not on mta_sts_mx: validations that name each other's variables would form a cycle.)
    condition     = var.mta_sts_policy_enabled || length(var.mta_sts_mx) == 0
    error_message = "mta_sts_mx is set but mta_sts_policy_enabled is false: set mta_sts_policy_enabled = true to publish the MTA-STS policy, or remove mta_sts_mx."
  }
}

variable "mta_sts_mx" {
  description = "With mta_sts_policy_enabled: host names (or *.patterns) of the domain's inbound mail servers the MTA-STS policy names, e.g. [\"aspmx.l.google.com\", \"*.aspmx.l.google.com\"]."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for mx in var.mta_sts_mx : can(regex("^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", mx))])
    error_message = "mta_sts_mx entries are lower-case host names, optionally starting with *. (one label), e.g. mx1.example.com or *.mail.protection.outlook.com."
  }
}

variable "mta_sts_mode" {
  description = "MTA-STS policy mode: testing (report only; start here), enforce (refuse delivery without valid TLS), or none (withdraw the policy)."
  type        = string
  default     = "testing"
  nullable    = false

  validation {
    condition     = contains(["testing", "enforce", "none"], var.mta_sts_mode)
    error_message = "mta_sts_mode must be testing, enforce or none."
  }
}

variable "mta_sts_max_age" {
  description = "Seconds senders may cache the MTA-STS policy: 86400 (1 day) to 31557600 (1 year). A week while testing; months once enforced."
  type        = number
  default     = 604800
  nullable    = false

  validation {
    condition     = var.mta_sts_max_age >= 86400 && var.mta_sts_max_age <= 31557600 && floor(var.mta_sts_max_age) == var.mta_sts_max_age
    error_message = "mta_sts_max_age must be a whole number of seconds from 86400 to 31557600."
  }
}

variable "mta_sts_hosting_enabled" {
  description = "Host the MTA-STS policy at https://mta-sts.<domain>/.well-known/mta-sts.txt (private S3 bucket, CloudFront, ACM certificate in us-east-1 through the aws.us_east_1 provider). Only the hosting: the policy and its _mta-sts record come with mta_sts_policy_enabled; without hosting, serve mta_sts_policy yourself. Needs mta_sts_policy_enabled."
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = !var.mta_sts_hosting_enabled || var.mta_sts_policy_enabled
    error_message = "mta_sts_hosting_enabled needs mta_sts_policy_enabled (and mta_sts_mx): hosting serves the policy."
  }
}

# Receiving (optional)

variable "receiving_enabled" {
  description = "Receive mail for the domain with SES (MX to inbound-smtp.<region>.amazonaws.com), store it in an encrypted bucket and forward mail for a sender's address to the sender's forward_to mailbox, so Gmail's confirmation and replies reach the person. Pay per message; see docs/receiving.md. Fails at plan in a region where SES does not receive mail. Where the account already receives mail with SES, give its active rule set as existing_receipt_rule_set."
  type        = bool
  default     = false
  nullable    = false
}

variable "existing_receipt_rule_set" {
  description = "With receiving_enabled: the account's ACTIVE receipt rule set, as { name = ... }, which the module adds its rule to (see `aws ses describe-active-receipt-rule-set`). null: the module creates <name_prefix>-receiving and makes it the ACTIVE one. SES has one active rule set per account and region, and activating another silently stops all mail the active one receives: leave null only where no rule set is active in this account and region."
  type = object({
    name = string
  })
  default = null

  validation {
    condition     = var.existing_receipt_rule_set == null || can(regex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$", var.existing_receipt_rule_set.name))
    error_message = "existing_receipt_rule_set.name must be 1 to 64 letters, digits, underscores, dots or hyphens, starting with a letter or digit."
  }
}

variable "receipt_rule_set_activation_enabled" {
  description = "With receiving_enabled and no existing_receipt_rule_set: create <name_prefix>-receiving and make it the account's ACTIVE receipt rule set. SES has one active rule set per account and region, and activating another silently stops all mail the active one receives, so the module activates one only when this is true: check first that `aws ses describe-active-receipt-rule-set` prints nothing."
  type        = bool
  default     = false
  nullable    = false

  # Checked in modules/receiving, where the rule set is activated (also for callers of that module).
}

variable "received_mail_retention_days" {
  description = "Days received mail is kept in the bucket (forwarded or not: spam, viruses and unknown recipients included), then deleted."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.received_mail_retention_days >= 1 && floor(var.received_mail_retention_days) == var.received_mail_retention_days
    error_message = "received_mail_retention_days must be a whole number of days, at least 1."
  }
}

variable "receiving_reports_enabled" {
  description = "With receiving_enabled: read the DMARC aggregate and TLS-RPT reports mailed to the domain's own addresses (a report function stores one summary per report and emits metrics; `ses-smtp reports`). dmarc_rua defaults to dmarc-reports@<domain> and tls_rpt_rua to mailto:tls-reports@<domain> when they are empty. See docs/receiving.md."
  type        = bool
  default     = true
  nullable    = false

  validation {
    # The receipt rule receives the domain itself, never its subdomains (they have no MX of ours).
    condition = !var.receiving_enabled || !var.receiving_reports_enabled || alltrue([
      for address in concat(var.dmarc_rua, [for uri in var.tls_rpt_rua : trimprefix(uri, "mailto:") if startswith(uri, "mailto:")]) :
      !endswith(lower(address), ".${var.domain}")
    ])
    error_message = "A report address at a subdomain of the domain cannot be received here: SES receives mail for the domain itself only (MX on the domain). Use an address such as dmarc-reports@<domain>, or set receiving_reports_enabled = false."
  }
}

variable "receiving_unknown_recipient" {
  description = "Mail for an address of the domain that no sender holds (or a sender without forward_to): drop (kept in the bucket until it expires, nobody told) or bounce (SES returns a bounce to the sender)."
  type        = string
  default     = "drop"
  nullable    = false

  validation {
    condition     = contains(["drop", "bounce"], var.receiving_unknown_recipient)
    error_message = "receiving_unknown_recipient must be drop or bounce."
  }
}

variable "receiving_tls_policy" {
  description = "Require: SES refuses mail delivered without TLS (as MTA-STS asks); Optional: accepts it."
  type        = string
  default     = "Require"
  nullable    = false

  validation {
    condition     = contains(["Require", "Optional"], var.receiving_tls_policy)
    error_message = "receiving_tls_policy must be Require or Optional."
  }
}

variable "sender_limits" {
  description = "Default limits of every sender (each can be changed per sender with `ses-smtp users create` or `ses-smtp users update`): recipients per hour and per UTC day, as SES counts them; hard-bounce and complaint rate ceilings (fractions) that apply once a sender has min_volume recipients in a day."
  type = object({
    per_hour           = optional(number, 100)
    per_day            = optional(number, 500)
    max_bounce_rate    = optional(number, 0.05)
    max_complaint_rate = optional(number, 0.01)
    min_volume         = optional(number, 20)
  })
  default  = {}
  nullable = false

  validation {
    condition = alltrue([
      for count in [var.sender_limits.per_hour, var.sender_limits.per_day, var.sender_limits.min_volume] : count >= 1 && floor(count) == count
    ])
    error_message = "sender_limits.per_hour, per_day and min_volume must be whole numbers of at least 1."
  }

  validation {
    condition = alltrue([
      for rate in [var.sender_limits.max_bounce_rate, var.sender_limits.max_complaint_rate] : rate > 0 && rate <= 1
    ])
    error_message = "sender_limits.max_bounce_rate and max_complaint_rate are fractions above 0 and at most 1 (0.05 is 5%)."
  }

  validation {
    condition     = var.sender_limits.per_hour <= var.sender_limits.per_day
    error_message = "sender_limits.per_hour cannot be more than per_day."
  }
}

variable "sender_limit_action" {
  description = "What happens when a sender passes a limit: alert (a log line, a metric and an alarm), or quarantine (also its keys are deactivated, not deleted, until `ses-smtp users release NAME`)."
  type        = string
  default     = "alert"
  nullable    = false

  validation {
    condition     = contains(["alert", "quarantine"], var.sender_limit_action)
    error_message = "sender_limit_action must be alert or quarantine."
  }
}

variable "sender_limit_alarm_enabled" {
  description = "An alarm when a sender passes one of its limits. It is the module's 12th alarm metric, past CloudWatch's free ten: 0.10 USD a month; false leaves the log line and the SendersOverLimit metric."
  type        = bool
  default     = true
  nullable    = false
}

variable "senders" {
  description = "Senders declared in code: name => the From addresses it may send as (an address of `domain`, or `*@domain`), the person's own mailbox for received mail (forward_to, with receiving), and its own limits (as `ses-smtp users create` takes them; unset ones follow sender_limits). Terraform asks the credentials function to create, change and delete them; passwords never enter state: `ses-smtp users show NAME` reads them. See docs/credentials.md."
  type = map(object({
    from       = list(string)
    forward_to = optional(string)
    limits = optional(object({
      per_hour           = optional(number)
      per_day            = optional(number)
      max_bounce_rate    = optional(number)
      max_complaint_rate = optional(number)
      min_volume         = optional(number)
    }), {})
  }))
  default  = {}
  nullable = false

  # The same rules as the credentials function's (ses_smtp.model), so a bad name fails at plan.
  validation {
    condition = alltrue([
      for name in keys(var.senders) : can(regex("^[a-z0-9][a-z0-9+=,.@_-]*$", name)) && length(name) <= 64 - length("${var.name_prefix}-")
    ])
    error_message = "senders: each name uses lower-case letters, digits and + = , . @ _ -, starts with a letter or digit, and fits an IAM user name with the name_prefix (64 characters in all)."
  }

  validation {
    condition = alltrue(flatten([
      for sender in values(var.senders) : [
        for address in sender.from : can(regex("^(\\*|[a-z0-9]([a-z0-9._+=-]{0,62}[a-z0-9_+=-])?)@${replace(var.domain, ".", "\\.")}$", lower(address)))
      ]
    ]))
    error_message = "senders: each from is an address of the domain (alice@DOMAIN: letters, digits and . _ + = - before the @) or *@DOMAIN."
  }

  validation {
    condition = alltrue([
      for sender in values(var.senders) : length(sender.from) > 0 && length([for a in sender.from : a if startswith(a, "*@")]) <= 1 && length(distinct([for a in sender.from : lower(a) if !startswith(a, "*@")])) <= 4
    ])
    error_message = "senders: each sender has at least one from, at most one *@domain and at most 4 exact addresses (IAM's inline policy size)."
  }

  validation {
    condition = length(flatten([
      for sender in values(var.senders) : distinct([for a in sender.from : lower(a)])
    ])) == length(distinct(flatten([for sender in values(var.senders) : [for a in sender.from : lower(a)]])))
    error_message = "senders: an address (or *@domain) is granted to one sender only; two senders with one address is more often a typo than a shared mailbox."
  }

  validation {
    condition = alltrue([
      for sender in values(var.senders) : sender.forward_to == null ? true : (
        can(regex("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", sender.forward_to))
        && !endswith(sender.forward_to, "@${var.domain}")
      )
    ])
    error_message = "senders: forward_to is a plain address such as alice@gmail.com, outside domain (mail forwarded there would come straight back)."
  }

  validation {
    condition = alltrue(flatten([
      for sender in values(var.senders) : concat(
        [for count in [sender.limits.per_hour, sender.limits.per_day, sender.limits.min_volume] : count == null ? true : count >= 1 && floor(count) == count],
        [for rate in [sender.limits.max_bounce_rate, sender.limits.max_complaint_rate] : rate == null ? true : rate > 0 && rate <= 1],
      )
    ]))
    error_message = "senders: limits per_hour, per_day and min_volume are whole numbers of at least 1; max_bounce_rate and max_complaint_rate are fractions above 0 and at most 1."
  }
}
