output "region" {
  description = "Region of the SES identity and its SMTP endpoint (the aws provider's region)."
  value       = module.ses_smtp.region
}

output "smtp_endpoint" {
  description = "Host name of SES's SMTP endpoint for the region: what a mail client calls the outgoing (SMTP) server."
  value       = module.ses_smtp.smtp_endpoint
}

output "smtp_ports" {
  description = "Ports of the SMTP endpoint, each with its TLS mode: STARTTLS (Gmail's 'TLS') or implicit TLS (Gmail's 'SSL')."
  value       = module.ses_smtp.smtp_ports
}

output "domain" {
  description = "The sending domain."
  value       = module.ses_smtp.domain
}

output "identity_arn" {
  description = "ARN of the domain's SES email identity."
  value       = module.ses_smtp.identity_arn
}

output "email_identity_arns" {
  description = "ARNs of the extra verified email identities, by address."
  value       = module.ses_smtp.email_identity_arns
}

output "mail_from_domain" {
  description = "Custom MAIL FROM domain (envelope sender) of the identity."
  value       = module.ses_smtp.mail_from_domain
}

output "configuration_set_name" {
  description = "Name of the configuration set, the identity's default: SMTP mail uses it without any header."
  value       = module.ses_smtp.configuration_set_name
}

output "configuration_set_arn" {
  description = "ARN of the configuration set."
  value       = module.ses_smtp.configuration_set_arn
}

output "dns_records" {
  description = "Every DNS record a person must publish, as a list of {name, type, value, ttl, purpose}."
  value       = module.ses_smtp.dns_records
}

output "dns_zone_file" {
  description = "The DNS records as a BIND zone file fragment with $ORIGIN, ready to import into any DNS host."
  value       = module.ses_smtp.dns_zone_file
}

output "mta_sts_policy" {
  description = "The MTA-STS policy text (null without mta_sts_mx). Hosted by the module with mta_sts_enabled; otherwise serve it yourself at mta_sts_policy_url."
  value       = module.ses_smtp.mta_sts_policy
}

output "mta_sts_policy_url" {
  description = "Where senders fetch the MTA-STS policy (null without mta_sts_mx)."
  value       = module.ses_smtp.mta_sts_policy_url
}

output "mta_sts_certificate_validation_record" {
  description = "The record ACM needs before it issues the mta-sts certificate, {name, type, value}; also in dns_records. Publish it first when the module does not manage the zone (see docs/mta-sts-tls-rpt.md). null without hosting."
  value       = module.ses_smtp.mta_sts_certificate_validation_record
}

output "kms_key_arn" {
  description = "KMS key protecting SMTP passwords, the credentials table and the logs."
  value       = module.ses_smtp.kms_key_arn
}

output "kms_key_changes_rule_arn" {
  description = "EventBridge rule that alerts on changes to the key's policy, grants, rotation or state (needs a CloudTrail trail; see docs/security.md)."
  value       = module.ses_smtp.kms_key_changes_rule_arn
}

output "kms_key_administrator_arns" {
  description = "Principals the created key's policy names as key administrators (never the account root)."
  value       = module.ses_smtp.kms_key_administrator_arns
}

output "kms_key_policy_statements_json" {
  description = "Key policy statements to add to an existing key passed as existing_kms_key."
  value       = module.ses_smtp.kms_key_policy_statements_json
}

output "credentials_table_name" {
  description = "DynamoDB table of sender records and sealed SMTP passwords."
  value       = module.ses_smtp.credentials_table_name
}

output "credentials_function_name" {
  description = "Function `ses-smtp users` invokes to create, rotate, revoke and delete senders."
  value       = module.ses_smtp.credentials_function_name
}

output "senders_group_name" {
  description = "DEPRECATED: the senders group of earlier versions; empty once migrated."
  value       = module.ses_smtp.senders_group_name
}

output "senders_path" {
  description = "IAM path of sender users."
  value       = module.ses_smtp.senders_path
}

output "administrators_policy_json" {
  description = "IAM policy for the people who run `ses-smtp users`: invoke the function, read records, decrypt passwords."
  value       = module.ses_smtp.administrators_policy_json
}

output "events_topic_arn" {
  description = "SNS topic SES publishes delivery events to."
  value       = module.ses_smtp.events_topic_arn
}

output "events_queue_url" {
  description = "SQS queue of SES events, consumed by the events function."
  value       = module.ses_smtp.events_queue_url
}

output "events_dead_letter_queue_url" {
  description = "Where events that could not be processed end up."
  value       = module.ses_smtp.events_dead_letter_queue_url
}

output "events_function_name" {
  description = "Function that logs, counts and remembers SES events."
  value       = module.ses_smtp.events_function_name
}

output "alerts_topic_arn" {
  description = "SNS topic the alarms notify."
  value       = module.ses_smtp.alerts_topic_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard of volume, reputation, senders and function health."
  value       = module.ses_smtp.dashboard_name
}

output "receiving_mx_record" {
  description = "The domain's MX with receiving_enabled (also in dns_records), {name, type, value}; null without receiving."
  value       = module.ses_smtp.receiving_mx_record
}

output "received_mail_bucket_name" {
  description = "Bucket of received mail (null without receiving); `ses-smtp users confirmation` reads it."
  value       = module.ses_smtp.received_mail_bucket_name
}

output "receipt_rule_set_name" {
  description = "Receipt rule set holding the module's rule (null without receiving)."
  value       = module.ses_smtp.receipt_rule_set_name
}

output "forwarding_function_name" {
  description = "Function that forwards received mail to senders' own mailboxes (null without receiving)."
  value       = module.ses_smtp.forwarding_function_name
}

output "forwarding_dead_letter_queue_url" {
  description = "Where forwarding events end up after Lambda's retries fail (null without receiving)."
  value       = module.ses_smtp.forwarding_dead_letter_queue_url
}

output "report_addresses" {
  description = "Addresses of the domain whose DMARC and TLS reports the report function reads (empty without receiving)."
  value       = module.ses_smtp.report_addresses
}

output "report_function_name" {
  description = "Function that reads the DMARC aggregate and TLS-RPT reports (null without report addresses)."
  value       = module.ses_smtp.report_function_name
}

output "receiving_administrators_policy_json" {
  description = "IAM policy to add for the people who run `ses-smtp users confirmation`: list and read the received mail (null without receiving)."
  value       = module.ses_smtp.receiving_administrators_policy_json
}

output "admin_config" {
  description = "What `ses-smtp` reads to find the deployment (schema_version 1)."
  value       = module.ses_smtp.admin_config
}
