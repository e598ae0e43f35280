output "admin_config" {
  description = "What `ses-smtp` reads to find the deployment (schema_version 1)."
  value       = module.ses_smtp.admin_config
}

output "smtp_endpoint" {
  description = "Host name of SES's SMTP endpoint for the region: what a mail client calls the outgoing (SMTP) server."
  value       = module.ses_smtp.smtp_endpoint
}

output "smtp_ports" {
  description = "Ports of the SMTP endpoint, each with its TLS mode: STARTTLS (Gmail's 'TLS') or implicit TLS (Gmail's 'SSL')."
  value       = module.ses_smtp.smtp_ports
}

output "dns_zone_file" {
  description = "The DNS records as a BIND zone file fragment with $ORIGIN, ready to import into any DNS host."
  value       = module.ses_smtp.dns_zone_file
}

output "dashboard_name" {
  description = "CloudWatch dashboard of volume, reputation, senders and function health."
  value       = module.ses_smtp.dashboard_name
}

output "administrators_policy_json" {
  description = "IAM policy for the people who run `ses-smtp users`: invoke the function, read records, decrypt passwords."
  value       = module.ses_smtp.administrators_policy_json
}

output "report_addresses" {
  description = "Addresses of the domain whose DMARC and TLS reports the report function reads (empty without receiving)."
  value       = module.ses_smtp.report_addresses
}

output "receiving_administrators_policy_json" {
  description = "IAM policy to add for the people who run `ses-smtp users confirmation`: list and read the received mail (null without receiving)."
  value       = module.ses_smtp.receiving_administrators_policy_json
}
