output "region" {
  description = "Region of the SES identity and SMTP endpoint (the provider's region)."
  value       = local.region
}

output "identity_arn" {
  description = "ARN of the domain's SES email identity."
  value       = aws_sesv2_email_identity.this.arn
}

output "identity_dkim_tokens" {
  description = "The three Easy DKIM tokens SES generated for the domain."
  value       = aws_sesv2_email_identity.this.dkim_signing_attributes[0].tokens
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

output "configuration_set_tls_policy" {
  description = "TLS policy of the configuration set; REQUIRE means SES never delivers over plain text."
  value       = one(aws_sesv2_configuration_set.this.delivery_options).tls_policy
}

output "dns_records" {
  description = "Records SES needs, keyed by a stable id: map of {name, type, value, ttl, purpose}."
  value       = merge(local.dkim_records, local.mail_from_records)
}

output "configuration_set" {
  description = "The configuration set resource, for callers and tests that need any of its attributes."
  value       = aws_sesv2_configuration_set.this
}

output "identity" {
  description = "The domain identity resource."
  value       = aws_sesv2_email_identity.this
}

output "mail_from" {
  description = "The MAIL FROM attributes resource."
  value       = aws_sesv2_email_identity_mail_from_attributes.this
}

output "email_identities" {
  description = "The extra email identity resources, by address."
  value       = aws_sesv2_email_identity.email
}
