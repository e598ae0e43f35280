# modules/sending-domain on its own: the SES identity, MAIL FROM and configuration set it creates. The
# mock provider invents computed values; the ones runs depend on (DKIM tokens, ARNs) are pinned in
# tests/mocks. What the root module makes of them (DNS records, the SMTP endpoint) is in tests/root.tftest.hcl.
mock_provider "aws" {
  source = "./tests/mocks/aws"
}

variables {
  domain                           = "example.com"
  mail_from_domain                 = "mail.example.com"
  mail_from_behavior_on_mx_failure = "USE_DEFAULT_VALUE"
  configuration_set_name           = "ses-smtp"
  verified_email_addresses         = []
  region                           = "eu-west-1"
  dns_record_ttl                   = 1800
  tags                             = {}
}

run "tls_is_required_on_the_configuration_set" {
  command = plan

  module {
    source = "./modules/sending-domain"
  }

  assert {
    condition     = one(aws_sesv2_configuration_set.this.delivery_options).tls_policy == "REQUIRE"
    error_message = "SES must refuse to deliver over plain text."
  }
}

run "reputation_metrics_sending_and_suppression_are_on" {
  command = plan

  module {
    source = "./modules/sending-domain"
  }

  assert {
    condition     = one(aws_sesv2_configuration_set.this.reputation_options).reputation_metrics_enabled
    error_message = "Reputation metrics must be on: the bounce and complaint alarms read them."
  }
  assert {
    condition     = one(aws_sesv2_configuration_set.this.sending_options).sending_enabled
    error_message = "Sending must be enabled on the configuration set."
  }
  assert {
    condition     = toset(one(aws_sesv2_configuration_set.this.suppression_options).suppressed_reasons) == toset(["BOUNCE", "COMPLAINT"])
    error_message = "Bounces and complaints must be suppressed."
  }
}

run "the_configuration_set_is_the_identity_default" {
  command = plan

  module {
    source = "./modules/sending-domain"
  }

  assert {
    condition     = aws_sesv2_email_identity.this.configuration_set_name == "ses-smtp"
    error_message = "SMTP mail without an X-SES-CONFIGURATION-SET header must still use the configuration set."
  }
  assert {
    condition     = aws_sesv2_email_identity.this.email_identity == "example.com"
    error_message = "The identity must be the domain."
  }
}

run "easy_dkim_uses_2048_bit_keys" {
  command = plan

  module {
    source = "./modules/sending-domain"
  }

  assert {
    condition     = one(aws_sesv2_email_identity.this.dkim_signing_attributes).next_signing_key_length == "RSA_2048_BIT"
    error_message = "Easy DKIM must use RSA 2048-bit keys."
  }
}

run "mail_from_domain_and_mx_failure_behaviour_are_used_as_given" {
  command = plan

  module {
    source = "./modules/sending-domain"
  }

  variables {
    mail_from_domain                 = "bounce.mail.example.com"
    mail_from_behavior_on_mx_failure = "REJECT_MESSAGE"
  }

  assert {
    condition     = aws_sesv2_email_identity_mail_from_attributes.this.mail_from_domain == "bounce.mail.example.com"
    error_message = "A custom MAIL FROM domain must be used as given."
  }
  assert {
    condition     = aws_sesv2_email_identity_mail_from_attributes.this.behavior_on_mx_failure == "REJECT_MESSAGE"
    error_message = "behavior_on_mx_failure must follow the input."
  }
}

run "extra_email_identities_are_verified_with_the_configuration_set" {
  command = plan

  module {
    source = "./modules/sending-domain"
  }

  variables {
    verified_email_addresses = ["tester@gmail.com", "postmaster@example.com"]
  }

  assert {
    condition     = length(aws_sesv2_email_identity.email) == 2
    error_message = "Each extra address must become an email identity."
  }
  assert {
    condition     = alltrue([for identity in aws_sesv2_email_identity.email : identity.configuration_set_name == "ses-smtp"])
    error_message = "Extra identities must use the configuration set too."
  }
}

run "tags_reach_every_resource" {
  command = plan

  module {
    source = "./modules/sending-domain"
  }

  variables {
    tags                     = { Team = "platform" }
    verified_email_addresses = ["tester@gmail.com"]
  }

  assert {
    condition = alltrue([
      aws_sesv2_configuration_set.this.tags["Team"] == "platform",
      aws_sesv2_email_identity.this.tags["Team"] == "platform",
      alltrue([for identity in aws_sesv2_email_identity.email : identity.tags["Team"] == "platform"]),
    ])
    error_message = "tags must be applied to every resource that supports them."
  }
}

run "dkim_cnames_point_into_the_signing_domain_given" {
  command = apply # the DKIM tokens exist after apply (the mock's, tests/mocks)

  module {
    source = "./modules/sending-domain"
  }

  variables {
    dkim_signing_hosted_zone = "dkim.il-central-1.amazonses.com"
  }

  assert {
    condition     = toset([for r in output.dns_records : r.value if r.type == "CNAME"]) == toset(["tokenone.dkim.il-central-1.amazonses.com", "tokentwo.dkim.il-central-1.amazonses.com", "tokenthree.dkim.il-central-1.amazonses.com"])
    error_message = "Each DKIM token must become a CNAME into dkim_signing_hosted_zone."
  }
}
