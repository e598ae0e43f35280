locals {
  region = var.region

  # Static keys: the values (DKIM tokens) are only known after apply, but Route53
  # records are created with for_each, whose keys must be known at plan time.
  dkim_records = {
    for index in range(3) : "dkim-${index + 1}" => {
      name    = "${aws_sesv2_email_identity.this.dkim_signing_attributes[0].tokens[index]}._domainkey.${var.domain}"
      type    = "CNAME"
      value   = "${aws_sesv2_email_identity.this.dkim_signing_attributes[0].tokens[index]}.${var.dkim_signing_hosted_zone}"
      ttl     = var.dns_record_ttl
      purpose = "Easy DKIM key ${index + 1} of 3: lets receivers verify SES's signature for ${var.domain} (DMARC alignment through DKIM)."
    }
  }

  mail_from_records = {
    mail-from-mx = {
      name    = var.mail_from_domain
      type    = "MX"
      value   = "10 feedback-smtp.${local.region}.amazonses.com"
      ttl     = var.dns_record_ttl
      purpose = "MAIL FROM MX: bounces come back to SES through ${var.mail_from_domain}; without it SES cannot use the custom MAIL FROM."
    }
    mail-from-spf = {
      name    = var.mail_from_domain
      type    = "TXT"
      value   = "v=spf1 include:amazonses.com -all"
      ttl     = var.dns_record_ttl
      purpose = "MAIL FROM SPF: authorises SES to send for ${var.mail_from_domain}, so SPF passes and aligns with ${var.domain} for DMARC."
    }
  }
}

resource "aws_sesv2_configuration_set" "this" {
  configuration_set_name = var.configuration_set_name

  delivery_options {
    tls_policy = "REQUIRE"
  }

  reputation_options {
    reputation_metrics_enabled = true
  }

  sending_options {
    sending_enabled = true
  }

  suppression_options {
    suppressed_reasons = ["BOUNCE", "COMPLAINT"]
  }

  tags = var.tags
}

resource "aws_sesv2_email_identity" "this" {
  email_identity = var.domain

  # The default configuration set applies to SMTP mail that carries no
  # X-SES-CONFIGURATION-SET header, which is all mail sent from Gmail.
  configuration_set_name = aws_sesv2_configuration_set.this.configuration_set_name

  dkim_signing_attributes {
    next_signing_key_length = "RSA_2048_BIT"
  }

  tags = var.tags
}

resource "aws_sesv2_email_identity_mail_from_attributes" "this" {
  email_identity         = aws_sesv2_email_identity.this.email_identity
  mail_from_domain       = var.mail_from_domain
  behavior_on_mx_failure = var.mail_from_behavior_on_mx_failure
}

resource "aws_sesv2_email_identity" "email" {
  for_each = var.verified_email_addresses

  email_identity         = each.value
  configuration_set_name = aws_sesv2_configuration_set.this.configuration_set_name
  tags                   = var.tags
}
