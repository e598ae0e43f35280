# Contract runs: every validated input fails at plan with its own message.
mock_provider "aws" {
  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }
}

variables {
  domain = "example.com"
}

run "accepts_a_valid_configuration" {
  command = plan

  variables {
    domain                           = "mail-test.example.co.uk"
    mail_from_domain                 = "bounce.mail-test.example.co.uk"
    mail_from_behavior_on_mx_failure = "REJECT_MESSAGE"
    verified_email_addresses         = ["first.last+tag@gmail.com"]
    route53_zone_id                  = "Z0123456789ABCDEFGHIJ"
    dns_record_ttl                   = 300
    name_prefix                      = "acme-mail-2"
    tags                             = { Owner = "platform" }
  }
}

run "rejects_an_uppercase_domain" {
  command = plan

  variables {
    domain = "Example.COM"
  }

  expect_failures = [var.domain]
}

run "rejects_a_domain_without_a_dot" {
  command = plan

  variables {
    domain = "localhost"
  }

  expect_failures = [var.domain]
}

run "rejects_a_domain_with_a_trailing_dot" {
  command = plan

  variables {
    domain = "example.com."
  }

  expect_failures = [var.domain]
}

run "rejects_a_domain_with_a_scheme" {
  command = plan

  variables {
    domain = "https://example.com"
  }

  expect_failures = [var.domain]
}

run "rejects_a_mail_from_outside_the_domain" {
  command = plan

  variables {
    mail_from_domain = "mail.example.org"
  }

  expect_failures = [var.mail_from_domain]
}

run "rejects_the_domain_itself_as_mail_from" {
  command = plan

  variables {
    mail_from_domain = "example.com"
  }

  expect_failures = [var.mail_from_domain]
}

run "rejects_a_mail_from_that_only_ends_like_the_domain" {
  command = plan

  variables {
    mail_from_domain = "mailexample.com"
  }

  expect_failures = [var.mail_from_domain]
}

run "rejects_an_unknown_mx_failure_behaviour" {
  command = plan

  variables {
    mail_from_behavior_on_mx_failure = "IGNORE"
  }

  expect_failures = [var.mail_from_behavior_on_mx_failure]
}

run "rejects_a_malformed_email_address" {
  command = plan

  variables {
    verified_email_addresses = ["alice.example.com"]
  }

  expect_failures = [var.verified_email_addresses]
}

run "rejects_an_email_address_with_two_at_signs" {
  command = plan

  variables {
    verified_email_addresses = ["alice@@example.com"]
  }

  expect_failures = [var.verified_email_addresses]
}

run "rejects_a_route53_zone_name_instead_of_id" {
  command = plan

  variables {
    route53_zone_id = "example.com"
  }

  expect_failures = [var.route53_zone_id]
}

run "rejects_a_ttl_below_a_minute" {
  command = plan

  variables {
    dns_record_ttl = 5
  }

  expect_failures = [var.dns_record_ttl]
}

run "rejects_an_empty_name_prefix" {
  command = plan

  variables {
    name_prefix = ""
  }

  expect_failures = [var.name_prefix]
}

run "rejects_a_name_prefix_with_spaces" {
  command = plan

  variables {
    name_prefix = "my mail"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_a_name_prefix_ending_in_a_hyphen" {
  command = plan

  variables {
    name_prefix = "ses-"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_a_reserved_aws_tag_key" {
  command = plan

  variables {
    tags = { "aws:owner" = "me" }
  }

  expect_failures = [var.tags]
}
