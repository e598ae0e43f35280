# The root module as a caller sees it: its inputs composed into the outputs it returns (records, zone
# file, SMTP endpoint, admin_config). Each submodule's own resources are tested in
# tests/<module>.tftest.hcl; inputs' validation in tests/inputs.tftest.hcl. Mock providers, with the
# computed values runs depend on pinned in tests/mocks.
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

run "mail_from_defaults_to_mail_subdomain" {
  command = plan

  assert {
    condition     = output.mail_from_domain == "mail.example.com"
    error_message = "MAIL FROM must default to mail.<domain>."
  }
  assert {
    condition     = var.mail_from_behavior_on_mx_failure == "USE_DEFAULT_VALUE"
    error_message = "MAIL FROM must fall back to amazonses.com by default when its MX is missing."
  }
}

run "a_custom_mail_from_subdomain_is_used_as_given" {
  command = plan

  variables {
    mail_from_domain = "bounce.mail.example.com"
  }

  assert {
    condition     = output.mail_from_domain == "bounce.mail.example.com"
    error_message = "A custom MAIL FROM domain must be used as given."
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
    dmarc_testing_enabled              = true
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
    error_message = "Without dmarc_testing_enabled the record must carry no t= tag (RFC 9989's default is t=n)."
  }
}

run "dmarc_never_publishes_tags_rfc_9989_removed" {
  command = plan

  variables {
    dmarc_policy                       = "quarantine"
    dmarc_subdomain_policy             = "none"
    dmarc_nonexistent_subdomain_policy = "reject"
    dmarc_testing_enabled              = true
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
    tls_rpt_enabled = true
    tls_rpt_rua     = ["mailto:tls@example.com", "https://reports.example.com/tlsrpt"]
  }

  assert {
    condition     = [for r in output.dns_records : r.value if r.name == "_smtp._tls.example.com"] == ["v=TLSRPTv1; rua=mailto:tls@example.com,https://reports.example.com/tlsrpt"]
    error_message = "TLS-RPT must list the report URIs."
  }
}

run "admin_config_is_one_versioned_object_the_cli_reads" {
  command = plan

  assert {
    condition     = output.admin_config.schema_version == 1 && output.admin_config.credentials_function_name == "ses-smtp-credentials" && output.admin_config.credentials_table_name == output.credentials_table_name
    error_message = "admin_config must carry schema_version 1 and the names the CLI reads."
  }
}

run "name_prefix_names_the_configuration_set" {
  command = plan

  variables {
    name_prefix = "acme-mail"
  }

  assert {
    condition     = output.configuration_set_name == "acme-mail"
    error_message = "The configuration set must be named after name_prefix."
  }
}

run "alarms_warn_well_below_the_ses_review_levels_by_default" {
  command = plan

  assert {
    condition     = var.bounce_rate_alarm_thresholds == { warning = 0.02, critical = 0.04 } && var.complaint_rate_alarm_thresholds == { warning = 0.0004, critical = 0.0008 }
    error_message = "Bounce and complaint alarms must default to 2%/4% and 0.04%/0.08% (SES reviews at 5% and 0.1%)."
  }
}

run "the_send_quota_is_read_every_15_minutes_and_alarmed_at_80_and_95_percent_by_default" {
  command = plan

  assert {
    condition     = var.send_quota_alarm_enabled && local.send_quota_schedule_expression == "rate(15 minutes)" && var.send_quota_alarm_thresholds == { warning = 0.8, critical = 0.95 }
    error_message = "The quota must be read every 15 minutes (a daily run is too slow for a quota) and alarmed at 80% and 95% by default."
  }
}

run "alerts_go_to_an_existing_topic" {
  command = plan

  variables {
    existing_alerts_topic = { arn = "arn:aws:sns:eu-west-1:123456789012:platform-alerts" }
  }

  assert {
    condition     = output.alerts_topic_arn == "arn:aws:sns:eu-west-1:123456789012:platform-alerts"
    error_message = "With existing_alerts_topic the deployment's alerts topic is the given one."
  }
}

run "no_mta_sts_unless_the_policy_is_enabled" {
  command = plan

  assert {
    condition     = output.mta_sts_policy == null && length(module.mta_sts) == 0
    error_message = "Without mta_sts_policy_enabled there is no policy and no hosting."
  }
  assert {
    condition     = length([for r in output.dns_records : r if can(regex("^_?mta-sts\\.", r.name))]) == 0
    error_message = "Without mta_sts_policy_enabled no MTA-STS record is published."
  }
}

run "policy_and_record_without_hosting" {
  command = plan

  variables {
    mta_sts_policy_enabled = true
    mta_sts_mx             = ["mx1.example.com", "*.mx.example.net"]
  }

  assert {
    condition     = output.mta_sts_policy == "version: STSv1\r\nmode: testing\r\nmx: mx1.example.com\r\nmx: *.mx.example.net\r\nmax_age: 604800\r\n"
    error_message = "The policy must follow RFC 8461, testing mode and a week by default."
  }
  assert {
    condition     = can(regex("^v=STSv1; id=[0-9a-f]{20}$", one([for r in output.dns_records : r.value if r.name == "_mta-sts.example.com"])))
    error_message = "_mta-sts must carry v=STSv1 and an id of letters and digits."
  }
  assert {
    condition     = length(module.mta_sts) == 0 && output.mta_sts_certificate_validation_record == null
    error_message = "Hosting is off unless mta_sts_hosting_enabled."
  }
  assert {
    condition     = output.mta_sts_policy_url == "https://mta-sts.example.com/.well-known/mta-sts.txt"
    error_message = "The policy URL is fixed by RFC 8461."
  }
}

run "the_id_changes_with_the_policy" {
  command = plan

  variables {
    mta_sts_policy_enabled = true
    mta_sts_mx             = ["mx1.example.com", "*.mx.example.net"]
    mta_sts_mode           = "enforce"
  }

  assert {
    condition     = one([for r in output.dns_records : r.value if r.name == "_mta-sts.example.com"]) != one([for r in run.policy_and_record_without_hosting.dns_records : r.value if r.name == "_mta-sts.example.com"])
    error_message = "Senders only refetch a policy whose id changed: a new mode must change the id."
  }
  assert {
    condition     = strcontains(output.mta_sts_policy, "mode: enforce\r\n")
    error_message = "The mode must follow mta_sts_mode."
  }
}

run "hosting_publishes_the_certificate_validation_and_the_host" {
  command = apply

  variables {
    mta_sts_policy_enabled  = true
    mta_sts_mx              = ["mx1.example.com"]
    mta_sts_hosting_enabled = true
    existing_route53_zone   = { id = "Z0123456789ABCDEFGHIJ" }
  }

  assert {
    condition     = output.mta_sts_policy_url == "https://mta-sts.example.com/.well-known/mta-sts.txt"
    error_message = "The policy is served at mta-sts.<domain>."
  }
  assert {
    condition     = one([for r in output.dns_records : r.type if r.name == "mta-sts.example.com"]) == "CNAME"
    error_message = "mta-sts.<domain> must point at CloudFront."
  }
  assert {
    condition     = one([for r in output.dns_records : r.value if r.name == "_0123456789abcdef.mta-sts.example.com"]) == "_fedcba9876543210.acm-validations.aws"
    error_message = "ACM's validation record must be published as ACM gives it."
  }
}

run "hosting_needs_the_policy" {
  command = plan

  variables {
    mta_sts_hosting_enabled = true
  }

  expect_failures = [var.mta_sts_hosting_enabled]
}

run "an_existing_key_replaces_the_created_one" {
  command = plan

  variables {
    existing_kms_key = { arn = "arn:aws:kms:eu-west-1:123456789012:key/99999999-2222-3333-4444-555555555555" }
  }

  assert {
    condition     = output.kms_key_arn == "arn:aws:kms:eu-west-1:123456789012:key/99999999-2222-3333-4444-555555555555"
    error_message = "existing_kms_key must be the key the deployment uses."
  }
}

# Receiving as the root module composes it: the MX, the report addresses and the records.

run "receiving_is_off_by_default" {
  command = plan

  assert {
    condition     = length(module.receiving) == 0 && output.receiving_mx_record == null
    error_message = "Without receiving_enabled nothing of receiving is created."
  }
  assert {
    condition     = length([for r in output.dns_records : r if r.type == "MX" && r.name == "example.com"]) == 0
    error_message = "Without receiving_enabled the domain gets no MX: another mail host may receive its mail."
  }
}

run "receiving_without_an_existing_rule_set_creates_and_activates_one" {
  command = plan

  variables {
    receiving_enabled                   = true
    receipt_rule_set_activation_enabled = true
  }

  assert {
    condition     = output.receipt_rule_set_name == "ses-smtp-receiving"
    error_message = "Without existing_receipt_rule_set the rule joins the <name_prefix>-receiving rule set the module creates."
  }
}

run "receiving_publishes_the_mx_of_the_region" {
  command = plan

  variables {
    receiving_enabled         = true
    existing_receipt_rule_set = { name = "existing-active" }
  }

  assert {
    condition     = output.receiving_mx_record.value == "10 inbound-smtp.eu-west-1.amazonaws.com"
    error_message = "The MX must point at SES's inbound endpoint of the region, priority 10."
  }
  assert {
    condition     = one([for r in output.dns_records : r.value if r.type == "MX" && r.name == "example.com"]) == "10 inbound-smtp.eu-west-1.amazonaws.com"
    error_message = "The MX must be among the records a person publishes."
  }
  assert {
    condition     = strcontains(output.dns_zone_file, "inbound-smtp.eu-west-1.amazonaws.com.")
    error_message = "The zone file must carry the MX, fully qualified."
  }
  assert {
    condition     = output.receipt_rule_set_name == "existing-active"
    error_message = "The rule must be added to the rule set the caller named."
  }
}

run "plan_fails_where_ses_does_not_receive_mail" {
  command = plan

  variables {
    receiving_enabled         = true
    existing_receipt_rule_set = { name = "existing-active" }
  }

  override_data {
    target = data.aws_region.current
    values = { id = "eu-central-2", name = "eu-central-2" }
  }

  expect_failures = [output.receiving_mx_record]
}

# Reports: DMARC and TLS reports mailed to the domain's own addresses, read by the report function.

run "report_addresses_default_to_the_domain_with_receiving" {
  command = plan

  variables {
    receiving_enabled         = true
    existing_receipt_rule_set = { name = "existing-active" }
    tls_rpt_enabled           = true
  }

  assert {
    condition     = output.report_addresses == tolist(["dmarc-reports@example.com", "tls-reports@example.com"])
    error_message = "With receiving, reports go to dmarc-reports@ and tls-reports@ the domain when no address is given."
  }
  assert {
    condition     = strcontains(one([for r in output.dns_records : r.value if r.name == "_dmarc.example.com"]), "rua=mailto:dmarc-reports@example.com")
    error_message = "The DMARC record asks for aggregate reports at the default address."
  }
  assert {
    condition     = one([for r in output.dns_records : r.value if r.name == "_smtp._tls.example.com"]) == "v=TLSRPTv1; rua=mailto:tls-reports@example.com"
    error_message = "The TLS-RPT record asks for TLS reports at the default address."
  }
}

run "without_receiving_no_report_address_is_invented" {
  command = plan

  assert {
    condition     = length(output.report_addresses) == 0 && !strcontains(one([for r in output.dns_records : r.value if r.name == "_dmarc.example.com"]), "rua=")
    error_message = "Without receiving nobody reads mail at the domain: no rua is published unless given."
  }
  assert {
    condition     = length([for r in output.dns_records : r if r.name == "_smtp._tls.example.com"]) == 0
    error_message = "Without tls_rpt_enabled there is no TLS-RPT record."
  }
}

run "given_addresses_are_kept_and_only_the_domains_own_are_read" {
  command = plan

  variables {
    receiving_enabled         = true
    existing_receipt_rule_set = { name = "existing-active" }
    dmarc_rua                 = ["DMARC@example.com", "reports@dmarc-vendor.example"]
    tls_rpt_enabled           = true
    tls_rpt_rua               = ["https://reports.example.net/tlsrpt"]
  }

  assert {
    condition     = output.report_addresses == tolist(["dmarc@example.com"])
    error_message = "The report rule receives the domain's own report addresses only (lower case), never a vendor's or an https one."
  }
  assert {
    condition     = strcontains(one([for r in output.dns_records : r.value if r.name == "_dmarc.example.com"]), "rua=mailto:DMARC@example.com,mailto:reports@dmarc-vendor.example")
    error_message = "Given rua addresses are published as given."
  }
}

run "reports_can_be_turned_off_with_receiving_on" {
  command = plan

  variables {
    receiving_enabled         = true
    existing_receipt_rule_set = { name = "existing-active" }
    receiving_reports_enabled = false
  }

  assert {
    condition     = length(output.report_addresses) == 0 && output.report_function_name == null
    error_message = "receiving_reports_enabled = false creates no report rule or function."
  }
}

run "rejects_a_report_address_at_a_subdomain" {
  command = plan

  variables {
    receiving_enabled         = true
    existing_receipt_rule_set = { name = "existing-active" }
    dmarc_rua                 = ["dmarc@reports.example.com"]
  }

  expect_failures = [var.receiving_reports_enabled]
}

run "only_the_functions_write_table_items_the_receiving_ones_with_receiving" {
  command = plan

  variables {
    receiving_enabled                   = true
    receipt_rule_set_activation_enabled = true
  }

  assert {
    condition     = local.table_writer_role_names == ["ses-smtp-credentials", "ses-smtp-events", "ses-smtp-forwarding", "ses-smtp-reports"]
    error_message = "With receiving the forwarding role (duplicate claims) and the report role write items too; modules/state denies writes to every other principal."
  }
}

run "without_receiving_only_the_credentials_and_events_functions_write_table_items" {
  command = plan

  assert {
    condition     = local.table_writer_role_names == ["ses-smtp-credentials", "ses-smtp-events"]
    error_message = "Without receiving only the credentials and events functions write items."
  }
}
