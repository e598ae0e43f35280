# Plan-level behaviour of the sending domain. The mock provider invents computed
# values, so the region and the DKIM tokens are pinned where runs depend on them.
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

run "tls_is_required_on_the_configuration_set" {
  command = plan

  assert {
    condition     = module.sending_domain.configuration_set_tls_policy == "REQUIRE"
    error_message = "SES must refuse to deliver over plain text."
  }
}

run "reputation_metrics_sending_and_suppression_are_on" {
  command = plan

  assert {
    condition     = one(module.sending_domain.configuration_set.reputation_options).reputation_metrics_enabled
    error_message = "Reputation metrics must be on: the bounce and complaint alarms read them."
  }
  assert {
    condition     = one(module.sending_domain.configuration_set.sending_options).sending_enabled
    error_message = "Sending must be enabled on the configuration set."
  }
  assert {
    condition     = toset(one(module.sending_domain.configuration_set.suppression_options).suppressed_reasons) == toset(["BOUNCE", "COMPLAINT"])
    error_message = "Bounces and complaints must be suppressed."
  }
}

run "the_configuration_set_is_the_identity_default" {
  command = plan

  assert {
    condition     = module.sending_domain.identity.configuration_set_name == "ses-smtp"
    error_message = "SMTP mail without an X-SES-CONFIGURATION-SET header must still use the configuration set."
  }
  assert {
    condition     = module.sending_domain.identity.email_identity == "example.com"
    error_message = "The identity must be the domain."
  }
}

run "easy_dkim_uses_2048_bit_keys" {
  command = plan

  assert {
    condition     = one(module.sending_domain.identity.dkim_signing_attributes).next_signing_key_length == "RSA_2048_BIT"
    error_message = "Easy DKIM must use RSA 2048-bit keys."
  }
}

run "mail_from_defaults_to_mail_subdomain" {
  command = plan

  assert {
    condition     = module.sending_domain.mail_from_domain == "mail.example.com"
    error_message = "MAIL FROM must default to mail.<domain>."
  }
  assert {
    condition     = module.sending_domain.mail_from.behavior_on_mx_failure == "USE_DEFAULT_VALUE"
    error_message = "MAIL FROM must fall back to amazonses.com by default when its MX is missing."
  }
}

run "mail_from_subdomain_and_mx_failure_behaviour_are_configurable" {
  command = plan

  variables {
    mail_from_domain                 = "bounce.mail.example.com"
    mail_from_behavior_on_mx_failure = "REJECT_MESSAGE"
  }

  assert {
    condition     = module.sending_domain.mail_from_domain == "bounce.mail.example.com"
    error_message = "A custom MAIL FROM domain must be used as given."
  }
  assert {
    condition     = module.sending_domain.mail_from.behavior_on_mx_failure == "REJECT_MESSAGE"
    error_message = "behavior_on_mx_failure must follow the input."
  }
}

run "extra_email_identities_are_verified_with_the_configuration_set" {
  command = plan

  variables {
    verified_email_addresses = ["tester@gmail.com", "postmaster@example.com"]
  }

  assert {
    condition     = length(module.sending_domain.email_identities) == 2
    error_message = "Each extra address must become an email identity."
  }
  assert {
    condition     = alltrue([for identity in module.sending_domain.email_identities : identity.configuration_set_name == "ses-smtp"])
    error_message = "Extra identities must use the configuration set too."
  }
}

run "smtp_endpoint_follows_the_provider_region" {
  command = plan

  assert {
    condition     = output.smtp_endpoint == "email-smtp.eu-west-1.amazonaws.com"
    error_message = "The SMTP endpoint must be the one of the provider's region."
  }
  assert {
    condition     = toset([for port in output.smtp_ports : port.port if port.tls == "STARTTLS"]) == toset([587, 2587, 25])
    error_message = "STARTTLS ports must be 587, 2587 and 25."
  }
  assert {
    condition     = toset([for port in output.smtp_ports : port.port if port.tls == "implicit TLS"]) == toset([465, 2465])
    error_message = "Implicit-TLS ports must be 465 and 2465."
  }
}

run "a_region_without_smtp_endpoint_fails_at_plan" {
  command = plan

  override_data {
    target = data.aws_region.current
    values = {
      id   = "ap-east-1"
      name = "ap-east-1"
    }
  }

  expect_failures = [output.smtp_endpoint]
}

run "dns_records_list_dkim_mail_from_mx_and_spf" {
  command = apply

  assert {
    condition     = length(output.dns_records) == 6
    error_message = "Expected 3 DKIM CNAMEs, the MAIL FROM MX and SPF records, and DMARC."
  }
  assert {
    condition = toset([for r in output.dns_records : "${r.name} ${r.value}" if r.type == "CNAME"]) == toset([
      "tokenone._domainkey.example.com tokenone.dkim.amazonses.com",
      "tokentwo._domainkey.example.com tokentwo.dkim.amazonses.com",
      "tokenthree._domainkey.example.com tokenthree.dkim.amazonses.com",
    ])
    error_message = "Each DKIM token must become <token>._domainkey CNAME <token>.dkim.amazonses.com."
  }
  assert {
    condition     = [for r in output.dns_records : r.value if r.type == "MX"] == ["10 feedback-smtp.eu-west-1.amazonses.com"]
    error_message = "The MAIL FROM MX must point at SES's feedback endpoint of the region."
  }
  assert {
    condition     = [for r in output.dns_records : r.value if r.type == "TXT" && r.name == "mail.example.com"] == ["v=spf1 include:amazonses.com -all"]
    error_message = "The MAIL FROM SPF record must authorise amazonses.com and fail everything else."
  }
  assert {
    condition     = alltrue([for r in output.dns_records : r.ttl == 1800 && length(r.purpose) > 20])
    error_message = "Every record must carry the TTL and a purpose a person can read."
  }
}

run "zone_file_has_origin_and_every_record" {
  command = apply

  assert {
    condition     = startswith(output.dns_zone_file, "$ORIGIN example.com.\n")
    error_message = "The zone file must start with $ORIGIN."
  }
  assert {
    condition     = strcontains(output.dns_zone_file, "IN MX    10 feedback-smtp.eu-west-1.amazonses.com.")
    error_message = "The zone file must hold the MX with a fully qualified host."
  }
  assert {
    condition     = strcontains(output.dns_zone_file, "IN TXT   \"v=spf1 include:amazonses.com -all\"")
    error_message = "The zone file must hold the SPF record quoted."
  }
  assert {
    condition     = length(regexall("IN CNAME", output.dns_zone_file)) == 3
    error_message = "The zone file must hold the three DKIM CNAMEs."
  }
}

run "no_route53_records_without_a_zone" {
  command = plan

  assert {
    condition     = length(module.dns.route53_records) == 0
    error_message = "Without existing_route53_zone the module must create no DNS records."
  }
}

run "route53_records_with_a_zone" {
  command = plan

  variables {
    existing_route53_zone = { id = "Z0123456789ABCDEFGHIJ" }
  }

  assert {
    condition     = length(module.dns.route53_records) == 6
    error_message = "With existing_route53_zone every record must be created in Route53."
  }
  assert {
    condition     = alltrue([for record in module.dns.route53_records : record.zone_id == "Z0123456789ABCDEFGHIJ" && record.allow_overwrite == false])
    error_message = "Records must go into the given zone and never overwrite an existing record."
  }
  assert {
    condition     = module.dns.route53_records["mail-from-spf"].records == toset(["v=spf1 include:amazonses.com -all"])
    error_message = "TXT values go to Route53 unquoted; the provider quotes them."
  }
}

run "name_prefix_and_tags_reach_every_resource" {
  command = plan

  variables {
    name_prefix              = "acme-mail"
    tags                     = { Team = "platform" }
    verified_email_addresses = ["tester@gmail.com"]
  }

  assert {
    condition     = module.sending_domain.configuration_set.configuration_set_name == "acme-mail"
    error_message = "The configuration set must be named after name_prefix."
  }
  assert {
    condition = alltrue([
      module.sending_domain.configuration_set.tags["Team"] == "platform",
      module.sending_domain.identity.tags["Team"] == "platform",
      alltrue([for identity in module.sending_domain.email_identities : identity.tags["Team"] == "platform"]),
    ])
    error_message = "tags must be applied to every resource that supports them."
  }
}

run "dkim_cnames_point_into_the_dkim_domain_aws_documents_for_the_region" {
  command = plan

  override_data {
    target = data.aws_region.current
    values = {
      id   = "il-central-1"
      name = "il-central-1"
    }
  }

  assert {
    condition     = toset([for r in output.dns_records : r.value if r.type == "CNAME"]) == toset(["tokenone.dkim.il-central-1.amazonses.com", "tokentwo.dkim.il-central-1.amazonses.com", "tokenthree.dkim.il-central-1.amazonses.com"])
    error_message = "In il-central-1 SES signs from dkim.il-central-1.amazonses.com, not dkim.amazonses.com (AWS General Reference, SES DKIM domains)."
  }
}

run "dmarc_starts_at_p_none_with_relaxed_alignment" {
  command = plan

  assert {
    condition     = [for r in output.dns_records : r.value if r.name == "_dmarc.example.com"] == ["v=DMARC1; p=none; adkim=r; aspf=r"]
    error_message = "The default DMARC record must monitor (p=none) with relaxed alignment."
  }
}

run "dmarc_carries_every_tag_given" {
  command = plan

  variables {
    dmarc_policy                       = "quarantine"
    dmarc_subdomain_policy             = "reject"
    dmarc_nonexistent_subdomain_policy = "reject"
    dmarc_testing                      = true
    dmarc_rua                          = ["dmarc@example.com", "reports@dmarc.example.net"]
    dmarc_ruf                          = ["forensic@example.com"]
    dmarc_adkim                        = "s"
  }

  assert {
    condition     = [for r in output.dns_records : r.value if r.type == "TXT" && r.name == "_dmarc.example.com"] == ["v=DMARC1; p=quarantine; sp=reject; np=reject; t=y; rua=mailto:dmarc@example.com,mailto:reports@dmarc.example.net; ruf=mailto:forensic@example.com; adkim=s; aspf=r"]
    error_message = "The DMARC record must carry policy, subdomain and non-existent subdomain policies, testing mode, report addresses and alignment."
  }
}

run "dmarc_enforces_without_testing_mode_by_default" {
  command = plan

  variables {
    dmarc_policy = "reject"
  }

  assert {
    condition     = [for r in output.dns_records : r.value if r.name == "_dmarc.example.com"] == ["v=DMARC1; p=reject; adkim=r; aspf=r"]
    error_message = "Without dmarc_testing the record must carry no t= tag (RFC 9989's default is t=n)."
  }
}

run "dmarc_never_publishes_tags_rfc_9989_removed" {
  command = plan

  variables {
    dmarc_policy                       = "quarantine"
    dmarc_subdomain_policy             = "none"
    dmarc_nonexistent_subdomain_policy = "reject"
    dmarc_testing                      = true
    dmarc_rua                          = ["dmarc@example.com"]
    dmarc_ruf                          = ["forensic@example.com"]
  }

  assert {
    condition = length(setintersection(
      toset([for tag in split("; ", one([for r in output.dns_records : r.value if r.name == "_dmarc.example.com"])) : split("=", tag)[0]]),
      toset(["pct", "rf", "ri", "psd"]),
    )) == 0
    error_message = "pct, rf and ri are gone in RFC 9989, and psd is for public suffix operators: none may appear."
  }
}

run "no_dmarc_record_when_the_domain_has_one_already" {
  command = plan

  variables {
    dmarc_enabled = false
  }

  assert {
    condition     = length([for r in output.dns_records : r if r.name == "_dmarc.example.com"]) == 0
    error_message = "dmarc_enabled = false must publish no DMARC record."
  }
}

run "tls_rpt_record_when_report_addresses_are_given" {
  command = plan

  variables {
    tls_rpt_rua = ["mailto:tls@example.com", "https://reports.example.com/tlsrpt"]
  }

  assert {
    condition     = [for r in output.dns_records : r.value if r.name == "_smtp._tls.example.com"] == ["v=TLSRPTv1; rua=mailto:tls@example.com,https://reports.example.com/tlsrpt"]
    error_message = "TLS-RPT must list the report URIs."
  }
}

run "every_ses_event_type_reaches_sns_and_cloudwatch" {
  command = plan

  assert {
    condition = toset(one(module.events.event_destinations.sns.event_destination).matching_event_types) == toset([
      "SEND", "DELIVERY", "BOUNCE", "COMPLAINT", "REJECT", "DELIVERY_DELAY", "RENDERING_FAILURE",
    ])
    error_message = "Every event type the pipeline handles must be published to SNS."
  }
  assert {
    condition = toset([
      for d in one(one(module.events.event_destinations.cloudwatch.event_destination).cloud_watch_destination).dimension_configuration : d.dimension_name
    ]) == toset(["ses:caller-identity", "ses:from-domain"])
    error_message = "CloudWatch counts must be split by sender (ses:caller-identity) and From domain."
  }
}

run "the_queue_feeds_the_function_with_partial_batch_failures" {
  command = plan

  assert {
    condition     = module.events.event_source_mapping.function_response_types == toset(["ReportBatchItemFailures"])
    error_message = "A malformed record must fail alone, not the whole batch."
  }
  assert {
    condition     = module.events.event_source_mapping.batch_size == 100 && module.events.event_source_mapping.maximum_batching_window_in_seconds == 5
    error_message = "Events are processed in batches of up to 100, gathered for at most 5 seconds."
  }
}

run "alarms_warn_well_below_the_ses_review_levels" {
  command = plan

  assert {
    condition = (
      module.events.alarm_thresholds["bounce-rate-warning"] == 0.02 && module.events.alarm_thresholds["bounce-rate-critical"] == 0.04 &&
      module.events.alarm_thresholds["complaint-rate-warning"] == 0.0004 && module.events.alarm_thresholds["complaint-rate-critical"] == 0.0008
    )
    error_message = "Bounce and complaint alarms must default to 2%/4% and 0.04%/0.08%."
  }
  assert {
    condition = alltrue([for role in ["credentials", "events"] :
    contains(keys(module.events.alarm_thresholds), "${role}-errors") && contains(keys(module.events.alarm_thresholds), "${role}-throttles")])
    error_message = "Every function must have an errors and a throttles alarm."
  }
  assert {
    condition     = module.events.alarm_thresholds["events-dead-letters"] == 0
    error_message = "One dead letter must raise the alarm."
  }
}

run "alerts_go_to_a_created_topic_with_email_subscriptions" {
  command = plan

  variables {
    alert_emails = ["ops@example.com"]
  }

  assert {
    condition     = module.events.alerts_topic_created && module.events.alert_subscriptions == ["ops@example.com"]
    error_message = "Without existing_alerts_topic the module must create the topic and subscribe alert_emails."
  }
}

run "alerts_go_to_an_existing_topic" {
  command = plan

  variables {
    existing_alerts_topic = { arn = "arn:aws:sns:eu-west-1:123456789012:platform-alerts" }
  }

  assert {
    condition     = !module.events.alerts_topic_created && output.alerts_topic_arn == "arn:aws:sns:eu-west-1:123456789012:platform-alerts"
    error_message = "With existing_alerts_topic the module must create no topic and alarm to the given one."
  }
}

run "the_event_source_mapping_carries_the_callers_tags" {
  command = plan

  variables {
    tags = { team = "mail" }
  }

  assert {
    condition     = module.events.event_source_mapping.tags == tomap({ team = "mail" })
    error_message = "tags promises every resource that supports them: the events queue's event source mapping too."
  }
}

run "admin_config_is_one_versioned_object_the_cli_reads" {
  command = plan

  assert {
    condition     = output.admin_config.schema_version == 1 && output.admin_config.credentials_function_name == "ses-smtp-credentials" && output.admin_config.credentials_table_name == output.credentials_table_name
    error_message = "admin_config must carry schema_version 1 and the names the CLI reads."
  }
}
