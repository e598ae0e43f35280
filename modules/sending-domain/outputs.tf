output "identity_arn" {
  description = "ARN of the domain's SES email identity."
  value       = aws_sesv2_email_identity.this.arn
}

output "email_identity_arns" {
  description = "ARNs of the extra verified email identities, by address."
  value       = { for address, identity in aws_sesv2_email_identity.email : address => identity.arn }
}

output "mail_from_domain" {
  description = "Custom MAIL FROM domain of the identity."
  value       = aws_sesv2_email_identity_mail_from_attributes.this.mail_from_domain
}

output "configuration_set_name" {
  description = "Name of the configuration set (the identity's default)."
  value       = aws_sesv2_configuration_set.this.configuration_set_name
}

output "configuration_set_arn" {
  description = "ARN of the configuration set."
  value       = aws_sesv2_configuration_set.this.arn
}

output "dns_records" {
  description = "Records SES needs, keyed by a stable id: map of {name, type, value, ttl, purpose}."
  value       = merge(local.dkim_records, local.mail_from_records)
}
