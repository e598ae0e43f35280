# Contract runs: every validated input fails at plan with its own message.
# The us-east-1 provider (MTA-STS certificates) and the default one, with the computed values runs
# depend on pinned in tests/mocks.
mock_provider "aws" {
  alias  = "us_east_1"
  source = "./tests/mocks/us_east_1"
}

mock_provider "aws" {
  source = "./tests/mocks/aws"
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
    existing_route53_zone            = { id = "Z0123456789ABCDEFGHIJ" }
    dns_record_ttl                   = 300
    name_prefix                      = "acme-mail-2"
    tags                             = { Owner = "platform" }
    admin_principal_arns             = ["arn:aws:iam::123456789012:role/platform-admins", "arn:aws:iam::123456789012:user/alice"]
    existing_kms_key                 = { arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555" }
    default_retire_after_days        = 3
    rotation_schedule_expression     = "cron(0 3 * * ? *)"
    log_retention_days               = 90
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
    existing_route53_zone = { id = "example.com" }
  }

  expect_failures = [var.existing_route53_zone]
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

run "rejects_an_admin_principal_that_is_not_an_arn" {
  command = plan

  variables {
    admin_principal_arns = ["platform-admins"]
  }

  expect_failures = [var.admin_principal_arns]
}

run "rejects_a_kms_alias_instead_of_a_key_arn" {
  command = plan

  variables {
    existing_kms_key = { arn = "alias/ses-smtp" }
  }

  expect_failures = [var.existing_kms_key]
}

run "rejects_a_key_administrator_that_is_not_an_arn" {
  command = plan

  variables {
    kms_key_administrator_arns = ["root"]
  }

  expect_failures = [var.kms_key_administrator_arns]
}

run "rejects_a_deletion_window_of_a_day" {
  command = plan

  variables {
    kms_key_deletion_window_in_days = 1
  }

  expect_failures = [var.kms_key_deletion_window_in_days]
}

run "rejects_a_grace_period_over_90_days" {
  command = plan

  variables {
    default_retire_after_days = 120
  }

  expect_failures = [var.default_retire_after_days]
}

run "rejects_a_zero_maximum_credential_age" {
  command = plan

  variables {
    max_credential_age_days = 0
  }

  expect_failures = [var.max_credential_age_days]
}

run "rejects_a_malformed_schedule" {
  command = plan

  variables {
    rotation_schedule_expression = "every day"
  }

  expect_failures = [var.rotation_schedule_expression]
}

run "rejects_an_unsupported_runtime" {
  command = plan

  variables {
    lambda_runtime = "python3.9"
  }

  expect_failures = [var.lambda_runtime]
}

run "rejects_a_log_retention_cloudwatch_does_not_offer" {
  command = plan

  variables {
    log_retention_days = 42
  }

  expect_failures = [var.log_retention_days]
}

run "rejects_zero_reserved_concurrency" {
  command = plan

  variables {
    credentials_function_reserved_concurrency = 0
  }

  expect_failures = [var.credentials_function_reserved_concurrency]
}

run "rejects_a_permissions_boundary_that_is_not_a_policy_arn" {
  command = plan

  variables {
    role_permissions_boundary_arn = "arn:aws:iam::123456789012:role/x"
  }

  expect_failures = [var.role_permissions_boundary_arn]
}

run "rejects_an_unknown_dmarc_policy" {
  command = plan

  variables {
    dmarc_policy = "block"
  }

  expect_failures = [var.dmarc_policy]
}

run "rejects_an_unknown_dmarc_subdomain_policy" {
  command = plan

  variables {
    dmarc_subdomain_policy = "drop"
  }

  expect_failures = [var.dmarc_subdomain_policy]
}

run "rejects_an_unknown_dmarc_nonexistent_subdomain_policy" {
  command = plan

  variables {
    dmarc_nonexistent_subdomain_policy = "discard"
  }

  expect_failures = [var.dmarc_nonexistent_subdomain_policy]
}

run "rejects_dmarc_testing_when_every_policy_is_none" {
  command = plan

  variables {
    dmarc_testing_enabled = true
  }

  expect_failures = [var.dmarc_testing_enabled]
}

run "accepts_dmarc_testing_of_a_non_existent_subdomain_policy_alone" {
  command = plan

  variables {
    dmarc_testing_enabled              = true
    dmarc_nonexistent_subdomain_policy = "reject"
  }
}

run "rejects_a_dmarc_report_uri_instead_of_an_address" {
  command = plan

  variables {
    dmarc_rua = ["mailto:dmarc@example.com"]
  }

  expect_failures = [var.dmarc_rua]
}

run "rejects_a_malformed_failure_report_address" {
  command = plan

  variables {
    dmarc_ruf = ["forensic"]
  }

  expect_failures = [var.dmarc_ruf]
}

run "rejects_an_unknown_dkim_alignment" {
  command = plan

  variables {
    dmarc_adkim = "relaxed"
  }

  expect_failures = [var.dmarc_adkim]
}

run "rejects_an_unknown_spf_alignment" {
  command = plan

  variables {
    dmarc_aspf = "x"
  }

  expect_failures = [var.dmarc_aspf]
}

run "rejects_a_tls_rpt_address_without_a_scheme" {
  command = plan

  variables {
    tls_rpt_enabled = true
    tls_rpt_rua     = ["tls@example.com"]
  }

  expect_failures = [var.tls_rpt_rua]
}

run "rejects_tls_rpt_addresses_while_tls_rpt_is_off" {
  command = plan

  variables {
    tls_rpt_rua = ["mailto:tls@example.com"]
  }

  expect_failures = [var.tls_rpt_enabled]
}

run "rejects_tls_rpt_without_anywhere_to_report" {
  command = plan

  variables {
    tls_rpt_enabled = true
  }

  expect_failures = [var.tls_rpt_enabled]
}

run "rejects_inbound_servers_while_the_mta_sts_policy_is_off" {
  command = plan

  variables {
    mta_sts_mx = ["mx1.example.com"]
  }

  expect_failures = [var.mta_sts_policy_enabled]
}

run "rejects_an_mta_sts_policy_without_inbound_servers" {
  command = plan

  variables {
    mta_sts_policy_enabled = true
  }

  expect_failures = [var.mta_sts_policy_enabled]
}

run "rejects_an_alerts_topic_that_is_not_an_sns_arn" {
  command = plan

  variables {
    existing_alerts_topic = { arn = "platform-alerts" }
  }

  expect_failures = [var.existing_alerts_topic]
}

run "rejects_a_malformed_alert_email" {
  command = plan

  variables {
    alert_emails = ["ops"]
  }

  expect_failures = [var.alert_emails]
}

run "rejects_bounce_thresholds_in_the_wrong_order" {
  command = plan

  variables {
    bounce_rate_alarm_thresholds = { warning = 0.04, critical = 0.02 }
  }

  expect_failures = [var.bounce_rate_alarm_thresholds]
}

run "rejects_a_bounce_threshold_at_the_pause_level" {
  command = plan

  variables {
    bounce_rate_alarm_thresholds = { warning = 0.05, critical = 0.1 }
  }

  expect_failures = [var.bounce_rate_alarm_thresholds]
}

run "rejects_complaint_thresholds_above_the_pause_level" {
  command = plan

  variables {
    complaint_rate_alarm_thresholds = { warning = 0.001, critical = 0.01 }
  }

  expect_failures = [var.complaint_rate_alarm_thresholds]
}

run "rejects_complaint_thresholds_in_the_wrong_order" {
  command = plan

  variables {
    complaint_rate_alarm_thresholds = { warning = 0.0008, critical = 0.0004 }
  }

  expect_failures = [var.complaint_rate_alarm_thresholds]
}

run "rejects_zero_events_concurrency" {
  command = plan

  variables {
    events_function_reserved_concurrency = 0
  }

  expect_failures = [var.events_function_reserved_concurrency]
}

run "rejects_an_uppercase_mta_sts_mx" {
  command = plan

  variables {
    mta_sts_policy_enabled = true
    mta_sts_mx             = ["MX1.example.com"]
  }

  expect_failures = [var.mta_sts_mx]
}

run "rejects_an_mta_sts_mx_wildcard_in_the_middle" {
  command = plan

  variables {
    mta_sts_policy_enabled = true
    mta_sts_mx             = ["mx.*.example.com"]
  }

  expect_failures = [var.mta_sts_mx]
}

run "rejects_an_unknown_mta_sts_mode" {
  command = plan

  variables {
    mta_sts_mode = "report"
  }

  expect_failures = [var.mta_sts_mode]
}

run "rejects_an_mta_sts_max_age_beyond_a_year" {
  command = plan

  variables {
    mta_sts_max_age = 31557601
  }

  expect_failures = [var.mta_sts_max_age]
}

run "rejects_an_mta_sts_max_age_below_a_day" {
  command = plan

  variables {
    mta_sts_max_age = 3600
  }

  expect_failures = [var.mta_sts_max_age]
}

run "rejects_a_sender_limit_action_other_than_alert_or_quarantine" {
  command = plan

  variables {
    sender_limit_action = "suspend"
  }

  expect_failures = [var.sender_limit_action]
}

run "rejects_a_fractional_hourly_sender_limit" {
  command = plan

  variables {
    sender_limits = { per_hour = 2.5 }
  }

  expect_failures = [var.sender_limits]
}

run "rejects_a_bounce_rate_ceiling_given_as_a_percentage" {
  command = plan

  variables {
    sender_limits = { max_bounce_rate = 5 }
  }

  expect_failures = [var.sender_limits]
}

run "rejects_an_hourly_sender_limit_above_the_daily_one" {
  command = plan

  variables {
    sender_limits = { per_hour = 600, per_day = 500 }
  }

  expect_failures = [var.sender_limits]
}

run "rejects_rotation_notices_from_outside_the_domain" {
  command = plan

  variables {
    rotation_notices_enabled = true
    rotation_notices_from    = "no-reply@example.org"
  }

  expect_failures = [var.rotation_notices_from]
}

run "rejects_rotation_notices_from_a_subdomain" {
  command = plan

  variables {
    rotation_notices_enabled = true
    rotation_notices_from    = "no-reply@mail.example.com"
  }

  expect_failures = [var.rotation_notices_from]
}

run "accepts_rotation_notices_from_an_address_of_the_domain" {
  command = plan

  variables {
    rotation_notices_enabled = true
    rotation_notices_from    = "no-reply@example.com"
  }
}

run "rejects_a_rotation_notices_address_while_notices_are_off" {
  command = plan

  variables {
    rotation_notices_from = "no-reply@example.com"
  }

  expect_failures = [var.rotation_notices_from]
}

run "rejects_send_quota_thresholds_given_as_percentages" {
  command = plan

  variables {
    send_quota_alarm_thresholds = { warning = 80, critical = 95 }
  }

  expect_failures = [var.send_quota_alarm_thresholds]
}

run "rejects_send_quota_thresholds_in_the_wrong_order" {
  command = plan

  variables {
    send_quota_alarm_thresholds = { warning = 0.95, critical = 0.8 }
  }

  expect_failures = [var.send_quota_alarm_thresholds]
}

run "accepts_a_send_quota_critical_threshold_of_the_whole_quota" {
  command = plan

  variables {
    send_quota_alarm_thresholds = { warning = 0.9, critical = 1 }
  }
}

run "rejects_an_account_root_as_password_reader" {
  command = plan
  variables { admin_principal_arns = ["arn:aws:iam::123456789012:root"] }
  expect_failures = [var.admin_principal_arns]
}

run "rejects_an_account_root_as_key_administrator" {
  command = plan
  variables { kms_key_administrator_arns = ["arn:aws:iam::123456789012:root"] }
  expect_failures = [var.kms_key_administrator_arns]
}
