output "region" {
  description = "Region of the SES identity and its SMTP endpoint (the aws provider's region)."
  value       = local.region
}

output "smtp_endpoint" {
  description = "Host name of SES's SMTP endpoint for the region: what a mail client calls the outgoing (SMTP) server."
  value       = "email-smtp.${local.region}.amazonaws.com"

  precondition {
    condition     = contains(local.smtp_regions, local.region)
    error_message = "SES has no SMTP endpoint in ${local.region}. Configure the aws provider for one of: ${join(", ", sort(local.smtp_regions))}."
  }
}

output "smtp_ports" {
  description = "Ports of the SMTP endpoint, each with its TLS mode: STARTTLS (Gmail's 'TLS') or implicit TLS (Gmail's 'SSL')."
  value = [
    { port = 587, tls = "STARTTLS", note = "Recommended. Gmail: 'Secured connection using TLS'." },
    { port = 2587, tls = "STARTTLS", note = "Same as 587, for networks that block 587." },
    { port = 25, tls = "STARTTLS", note = "Often blocked or throttled by ISPs and cloud providers." },
    { port = 465, tls = "implicit TLS", note = "Gmail: 'Secured connection using SSL'." },
    { port = 2465, tls = "implicit TLS", note = "Same as 465, for networks that block 465." },
  ]
}

output "domain" {
  description = "The sending domain."
  value       = var.domain
}

output "identity_arn" {
  description = "ARN of the domain's SES email identity."
  value       = module.sending_domain.identity_arn
}

output "email_identity_arns" {
  description = "ARNs of the extra verified email identities, by address."
  value       = module.sending_domain.email_identity_arns
}

output "mail_from_domain" {
  description = "Custom MAIL FROM domain (envelope sender) of the identity."
  value       = module.sending_domain.mail_from_domain
}

output "configuration_set_name" {
  description = "Name of the configuration set, the identity's default: SMTP mail uses it without any header."
  value       = module.sending_domain.configuration_set_name
}

output "configuration_set_arn" {
  description = "ARN of the configuration set."
  value       = module.sending_domain.configuration_set_arn
}

output "dns_records" {
  description = "Every DNS record a person must publish, as a list of {name, type, value, ttl, purpose}."
  value       = module.dns.records
}

output "dns_zone_file" {
  description = "The DNS records as a BIND zone file fragment with $ORIGIN, ready to import into any DNS host."
  value       = module.dns.zone_file
}

output "mta_sts_policy" {
  description = "The MTA-STS policy text (null without mta_sts_policy_enabled). Hosted by the module with mta_sts_hosting_enabled; otherwise serve it yourself at mta_sts_policy_url."
  value       = local.mta_sts_policy
}

output "mta_sts_policy_url" {
  description = "Where senders fetch the MTA-STS policy (null without mta_sts_policy_enabled)."
  value       = local.mta_sts_policy == null ? null : "https://mta-sts.${var.domain}/.well-known/mta-sts.txt"
}

output "mta_sts_certificate_validation_record" {
  description = "The record ACM needs before it issues the mta-sts certificate, {name, type, value}; also in dns_records. Publish it first when the module does not manage the zone (see docs/mta-sts-tls-rpt.md). null without hosting."
  value       = var.mta_sts_hosting_enabled ? module.mta_sts[0].validation_record : null
}

output "kms_key_arn" {
  description = "KMS key protecting SMTP passwords, the credentials table and the logs."
  value       = module.encryption.key_arn
}

output "kms_key_changes_rule_arn" {
  description = "EventBridge rule that alerts on changes to the key's policy, grants, rotation or state (needs a CloudTrail trail; see docs/security.md)."
  value       = module.encryption.key_changes_rule_arn
}

output "kms_key_administrator_arns" {
  description = "Principals the created key's policy names as key administrators (never the account root)."
  value       = module.encryption.key_administrator_arns
}

output "kms_key_policy_statements_json" {
  description = "Key policy statements to add to an existing key passed as existing_kms_key."
  value       = module.encryption.key_policy_statements_json
}

output "credentials_table_name" {
  description = "DynamoDB table of sender records and sealed SMTP passwords."
  value       = module.state.table_name
}

output "credentials_function_name" {
  description = "Function `ses-smtp users` invokes to create, rotate, revoke and delete senders."
  value       = module.credentials.credentials_function_name
}

output "senders_group_name" {
  description = "DEPRECATED: the senders group of earlier versions; empty once migrated."
  value       = module.credentials.senders_group_name
}

output "senders_path" {
  description = "IAM path of sender users."
  value       = module.credentials.senders_path
}

output "administrators_policy_json" {
  description = "IAM policy for the people who run `ses-smtp users`: invoke the function, read records, decrypt passwords."
  value       = module.credentials.administrators_policy_json
}

output "events_topic_arn" {
  description = "SNS topic SES publishes delivery events to."
  value       = module.events.events_topic_arn
}

output "events_queue_url" {
  description = "SQS queue of SES events, consumed by the events function."
  value       = module.events.events_queue_url
}

output "events_dead_letter_queue_url" {
  description = "Where events that could not be processed end up."
  value       = module.events.dead_letter_queue_url
}

output "events_function_name" {
  description = "Function that logs, counts and remembers SES events."
  value       = module.events.events_function_name
}

output "alerts_topic_arn" {
  description = "SNS topic the alarms notify."
  value       = module.monitoring.alerts_topic_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard of volume, reputation, senders and function health."
  value       = module.monitoring.dashboard_name
}

output "receiving_mx_record" {
  description = "The domain's MX with receiving_enabled (also in dns_records), {name, type, value}; null without receiving."
  value       = var.receiving_enabled ? { name = var.domain, type = "MX", value = local.receiving_records["receiving-mx"].value } : null

  precondition {
    condition     = !var.receiving_enabled || contains(local.receiving_regions, local.region)
    error_message = "SES does not receive mail in ${local.region}: receiving_enabled needs the aws provider in one of: ${join(", ", sort(local.receiving_regions))} (or turn receiving off)."
  }
}

output "received_mail_bucket_name" {
  description = "Bucket of received mail (null without receiving); `ses-smtp users confirmation` reads it."
  value       = var.receiving_enabled ? module.receiving[0].bucket_name : null
}

output "receipt_rule_set_name" {
  description = "Receipt rule set holding the module's rule (null without receiving)."
  value       = var.receiving_enabled ? module.receiving[0].rule_set_name : null
}

output "forwarding_function_name" {
  description = "Function that forwards received mail to senders' own mailboxes (null without receiving)."
  value       = var.receiving_enabled ? module.receiving[0].forwarding_function_name : null
}

output "forwarding_dead_letter_queue_url" {
  description = "Where forwarding events end up after Lambda's retries fail (null without receiving)."
  value       = var.receiving_enabled ? module.receiving[0].dead_letter_queue_url : null
}

output "report_addresses" {
  description = "Addresses of the domain whose DMARC and TLS reports the report function reads (empty without receiving or with receiving_reports_enabled = false)."
  value       = local.report_recipients
}

output "report_function_name" {
  description = "Function that reads the DMARC aggregate and TLS-RPT reports (null without report addresses); `ses-smtp reports` shows what it stored."
  value       = var.receiving_enabled ? module.receiving[0].report_function_name : null
}

output "receiving_administrators_policy_json" {
  description = "IAM policy to add for the people who run `ses-smtp users confirmation`: list and read the received mail (null without receiving)."
  value       = var.receiving_enabled ? module.receiving[0].administrators_policy_json : null
}

output "admin_config" {
  description = "Everything `ses-smtp` needs to find this deployment, as one versioned object (schema_version 1): re-export it with one line, `output \"admin_config\" { value = module.ses_smtp.admin_config }`. Holds no secret."
  value = {
    schema_version               = 1
    name_prefix                  = var.name_prefix
    region                       = local.region
    domain                       = var.domain
    smtp_endpoint                = "email-smtp.${local.region}.amazonaws.com"
    identity_arn                 = module.sending_domain.identity_arn
    configuration_set_name       = module.sending_domain.configuration_set_name
    kms_key_arn                  = module.encryption.key_arn
    credentials_table_name       = module.state.table_name
    credentials_function_name    = module.credentials.credentials_function_name
    events_function_name         = module.events.events_function_name
    events_queue_url             = module.events.events_queue_url
    events_dead_letter_queue_url = module.events.dead_letter_queue_url
    alerts_topic_arn             = module.monitoring.alerts_topic_arn
    send_quota_alarm_thresholds  = var.send_quota_alarm_enabled ? [var.send_quota_alarm_thresholds.warning, var.send_quota_alarm_thresholds.critical] : []
    received_mail_bucket_name    = var.receiving_enabled ? module.receiving[0].bucket_name : null
    dns_records                  = module.dns.records
    dns_zone_file                = module.dns.zone_file
  }
}
