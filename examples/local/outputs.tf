output "admin_config" {
  description = "What `ses-smtp` reads to find the deployment (schema_version 1)."
  value       = module.ses_smtp.admin_config
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
  description = "The MTA-STS policy text (null without mta_sts_policy_enabled). Hosted by the module with mta_sts_hosting_enabled; otherwise serve it yourself at mta_sts_policy_url."
  value       = module.ses_smtp.mta_sts_policy
}

output "events_topic_arn" {
  description = "SNS topic SES publishes delivery events to."
  value       = module.ses_smtp.events_topic_arn
}

output "configuration_set_arn" {
  description = "ARN of the configuration set."
  value       = module.ses_smtp.configuration_set_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard of volume, reputation, senders and function health."
  value       = module.ses_smtp.dashboard_name
}

output "administrators_policy_json" {
  description = "IAM policy for the people who run `ses-smtp users`: invoke the function, read records, decrypt passwords."
  value       = module.ses_smtp.administrators_policy_json
}

output "forwarding_function_name" {
  description = "Function that forwards received mail to senders' own mailboxes: the local stack's inbound endpoint invokes it."
  value       = module.ses_smtp.forwarding_function_name
}
