data "aws_region" "current" {}

locals {
  region           = data.aws_region.current.id
  mail_from_domain = coalesce(var.mail_from_domain, "mail.${var.domain}")
  smtp_regions     = toset(jsondecode(file("${path.module}/functions/ses_smtp/smtp_regions.json")).regions)

  # Easy DKIM CNAME targets: AWS documents a DKIM domain per region (SES's SigningHostedZone, which the
  # provider does not expose yet: terraform-provider-aws #48568). `ses-smtp dns check` asks SES itself.
  dkim_domains             = jsondecode(file("${path.module}/functions/ses_smtp/ses_dkim_domains.json"))
  dkim_signing_hosted_zone = lookup(local.dkim_domains.regions, local.region, local.dkim_domains.default)

  receiving_regions = toset(jsondecode(file("${path.module}/functions/ses_smtp/receiving_regions.json")).regions)
  receiving_records = var.receiving_enabled ? {
    receiving-mx = {
      name    = var.domain
      type    = "MX"
      value   = "10 inbound-smtp.${local.region}.amazonaws.com"
      ttl     = var.dns_record_ttl
      purpose = "Receiving: mail for ${var.domain} goes to SES, which stores it and forwards it to the sender's own mailbox. Replaces any other MX of ${var.domain}: only one mail host receives."
    }
  } : {}

  # With receiving, reports go to addresses of the domain itself unless the caller names others; the
  # report rule takes the domain's own addresses among them (modules/receiving/reports.tf).
  reports_enabled = var.receiving_enabled && var.receiving_reports_enabled
  dmarc_rua       = length(var.dmarc_rua) > 0 || !local.reports_enabled ? var.dmarc_rua : ["dmarc-reports@${var.domain}"]
  tls_rpt_rua     = !var.tls_rpt_enabled ? [] : length(var.tls_rpt_rua) > 0 ? var.tls_rpt_rua : ["mailto:tls-reports@${var.domain}"]
  report_recipients = !local.reports_enabled ? [] : distinct([
    for address in concat(local.dmarc_rua, [for uri in local.tls_rpt_rua : trimprefix(uri, "mailto:") if startswith(uri, "mailto:")]) :
    lower(address) if endswith(lower(address), "@${var.domain}")
  ])

  # RFC 8461 policy; its id in DNS is derived from the text so that every change is announced.
  mta_sts_policy = !var.mta_sts_policy_enabled ? null : join("", concat(
    ["version: STSv1\r\n", "mode: ${var.mta_sts_mode}\r\n"],
    [for mx in var.mta_sts_mx : "mx: ${mx}\r\n"],
    ["max_age: ${format("%d", var.mta_sts_max_age)}\r\n"],
  ))
  mta_sts_policy_id = local.mta_sts_policy == null ? null : substr(sha256(local.mta_sts_policy), 0, 20)

  # SES publishes no metric for the 24-hour quota: the credentials function reads it this often and the
  # alarms judge each reading (a daily run would see a quota used up in an afternoon only the next day).
  send_quota_period_seconds      = 900
  send_quota_schedule_expression = "rate(${local.send_quota_period_seconds / 60} minutes)"

  # Named here, not read from modules/state: the key policy names the table and the table uses the key.
  table_name = "${var.name_prefix}-credentials"
  # The functions that write items: the credentials and events functions, and with receiving the
  # forwarding function (duplicate claims) and the report function (one item per report).
  table_writer_role_names = concat(
    ["${var.name_prefix}-credentials", "${var.name_prefix}-events"],
    var.receiving_enabled ? ["${var.name_prefix}-forwarding"] : [],
    length(local.report_recipients) > 0 ? ["${var.name_prefix}-reports"] : [],
  )
}

module "sending_domain" {
  source = "./modules/sending-domain"

  domain                           = var.domain
  mail_from_domain                 = local.mail_from_domain
  mail_from_behavior_on_mx_failure = var.mail_from_behavior_on_mx_failure
  configuration_set_name           = var.name_prefix
  verified_email_addresses         = var.verified_email_addresses
  region                           = local.region
  dkim_signing_hosted_zone         = local.dkim_signing_hosted_zone
  dns_record_ttl                   = var.dns_record_ttl
  tags                             = var.tags
}

module "dns" {
  source = "./modules/dns"

  domain                = var.domain
  records               = merge(module.sending_domain.dns_records, local.receiving_records)
  existing_route53_zone = var.existing_route53_zone
  dns_record_ttl        = var.dns_record_ttl
  tls_rpt_rua           = local.tls_rpt_rua

  mta_sts = local.mta_sts_policy == null ? null : {
    policy_id  = local.mta_sts_policy_id
    hosted     = var.mta_sts_hosting_enabled
    validation = var.mta_sts_hosting_enabled ? module.mta_sts[0].validation_record : null
  }
  mta_sts_host_target = var.mta_sts_hosting_enabled ? module.mta_sts[0].distribution_domain_name : null

  dmarc = var.dmarc_enabled ? {
    policy           = var.dmarc_policy
    subdomain_policy = var.dmarc_subdomain_policy
    nonexistent      = var.dmarc_nonexistent_subdomain_policy
    testing          = var.dmarc_testing_enabled
    rua              = local.dmarc_rua
    ruf              = var.dmarc_ruf
    adkim            = var.dmarc_adkim
    aspf             = var.dmarc_aspf
  } : null
}

module "mta_sts" {
  source = "./modules/mta-sts"
  count  = var.mta_sts_hosting_enabled ? 1 : 0

  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  domain      = var.domain
  name_prefix = var.name_prefix
  policy      = local.mta_sts_policy
  tags        = var.tags

  route53_records_enabled = var.existing_route53_zone != null
}

module "encryption" {
  source = "./modules/encryption"

  name_prefix                = var.name_prefix
  existing_kms_key           = var.existing_kms_key
  kms_key_administrator_arns = var.kms_key_administrator_arns
  credentials_role_name      = "${var.name_prefix}-credentials"
  admin_principal_arns       = var.admin_principal_arns
  table_name                 = local.table_name
  # Both names always, even with an existing alerts topic: the statements then depend on no input
  # a caller may compute from the key itself (a topic encrypted with the shared key).
  topic_names                     = ["${var.name_prefix}-events", "${var.name_prefix}-alerts"]
  alerts_topic_arn                = module.monitoring.alerts_topic_arn
  log_group_name_prefix           = "/aws/lambda/${var.name_prefix}-"
  kms_key_deletion_window_in_days = var.kms_key_deletion_window_in_days
  tags                            = var.tags

  received_mail = var.receiving_enabled ? {
    bucket_arn  = module.receiving[0].bucket_arn
    reader_arns = concat([module.receiving[0].forwarding_role_arn], module.receiving[0].report_role_arn[*], var.admin_principal_arns)
  } : null
}

module "state" {
  source = "./modules/state"

  name_prefix                                   = var.name_prefix
  table_name                                    = local.table_name
  kms_key_arn                                   = module.encryption.key_arn
  lambda_package_dir                            = coalesce(var.lambda_package_dir, "${path.module}/functions/dist")
  lambda_runtime                                = var.lambda_runtime
  credentials_table_deletion_protection_enabled = var.credentials_table_deletion_protection_enabled
  tags                                          = var.tags

  writer_role_names = local.table_writer_role_names
}

module "credentials" {
  source = "./modules/credentials"

  name_prefix                               = var.name_prefix
  domain                                    = var.domain
  identity_arn                              = module.sending_domain.identity_arn
  configuration_set_arn                     = module.sending_domain.configuration_set_arn
  kms_key_arn                               = module.encryption.key_arn
  table_name                                = module.state.table_name
  layer_arn                                 = module.state.layer_arn
  lambda_package_dir                        = coalesce(var.lambda_package_dir, "${path.module}/functions/dist")
  lambda_runtime                            = var.lambda_runtime
  log_retention_days                        = var.log_retention_days
  credentials_function_reserved_concurrency = var.credentials_function_reserved_concurrency
  rotation_schedule_expression              = var.rotation_schedule_expression
  send_quota_schedule_expression            = var.send_quota_alarm_enabled ? local.send_quota_schedule_expression : null
  schedule_dead_letter_queue_arn            = module.events.dead_letter_queue_arn
  default_retire_after_days                 = var.default_retire_after_days
  max_credential_age_days                   = var.max_credential_age_days
  unused_sender_days                        = var.unused_sender_days
  rotation_notices_enabled                  = var.rotation_notices_enabled
  rotation_notices_from                     = coalesce(var.rotation_notices_from, "no-reply@${var.domain}")
  configuration_set_name                    = module.sending_domain.configuration_set_name
  role_permissions_boundary_arn             = var.role_permissions_boundary_arn
  tags                                      = var.tags
}

module "events" {
  source = "./modules/events"

  name_prefix                          = var.name_prefix
  configuration_set_name               = module.sending_domain.configuration_set_name
  configuration_set_arn                = module.sending_domain.configuration_set_arn
  kms_key_arn                          = module.encryption.key_arn
  table_name                           = module.state.table_name
  lambda_package_dir                   = coalesce(var.lambda_package_dir, "${path.module}/functions/dist")
  layer_arn                            = module.state.layer_arn
  lambda_runtime                       = var.lambda_runtime
  log_retention_days                   = var.log_retention_days
  events_function_reserved_concurrency = var.events_function_reserved_concurrency
  recipient_address_logging_enabled    = var.recipient_address_logging_enabled
  sender_limits                        = var.sender_limits
  sender_limit_action                  = var.sender_limit_action
  credentials_function_name            = module.credentials.credentials_function_name
  role_permissions_boundary_arn        = var.role_permissions_boundary_arn
  tags                                 = var.tags
}

module "monitoring" {
  source = "./modules/monitoring"

  name_prefix                     = var.name_prefix
  kms_key_arn                     = module.encryption.key_arn
  existing_alerts_topic           = var.existing_alerts_topic
  alert_publisher_rule_arns       = [module.encryption.key_changes_rule_arn]
  alert_emails                    = var.alert_emails
  bounce_rate_alarm_thresholds    = var.bounce_rate_alarm_thresholds
  complaint_rate_alarm_thresholds = var.complaint_rate_alarm_thresholds
  sender_limit_action             = var.sender_limit_action
  sender_limit_alarm_enabled      = var.sender_limit_alarm_enabled
  send_quota_alarm_enabled        = var.send_quota_alarm_enabled
  send_quota_alarm_thresholds     = var.send_quota_alarm_thresholds
  send_quota_period_seconds       = local.send_quota_period_seconds
  events_queue_name               = module.events.events_queue_name
  events_dead_letter_queue_name   = module.events.dead_letter_queue_name
  reports_widget_enabled          = length(local.report_recipients) > 0
  tags                            = var.tags

  function_names = {
    credentials = module.credentials.credentials_function_name
    events      = "${var.name_prefix}-events"
  }

  receiving = var.receiving_enabled ? {
    function_name          = module.receiving[0].forwarding_function_name
    dead_letter_queue_name = module.receiving[0].dead_letter_queue_name
    bucket_name            = module.receiving[0].bucket_name
    reports_enabled        = length(local.report_recipients) > 0
  } : null
}

module "receiving" {
  source = "./modules/receiving"
  count  = var.receiving_enabled ? 1 : 0

  name_prefix                         = var.name_prefix
  domain                              = var.domain
  region                              = local.region
  identity_arn                        = module.sending_domain.identity_arn
  configuration_set_arn               = module.sending_domain.configuration_set_arn
  kms_key_arn                         = module.encryption.key_arn
  table_name                          = module.state.table_name
  existing_receipt_rule_set           = var.existing_receipt_rule_set
  receipt_rule_set_activation_enabled = var.receipt_rule_set_activation_enabled
  received_mail_retention_days        = var.received_mail_retention_days
  receiving_unknown_recipient         = var.receiving_unknown_recipient
  receiving_tls_policy                = var.receiving_tls_policy
  lambda_package_dir                  = coalesce(var.lambda_package_dir, "${path.module}/functions/dist")
  layer_arn                           = module.state.layer_arn
  lambda_runtime                      = var.lambda_runtime
  log_retention_days                  = var.log_retention_days
  role_permissions_boundary_arn       = var.role_permissions_boundary_arn
  tags                                = var.tags

  report_recipients = local.report_recipients
  mail_from_domain  = local.mail_from_domain
}
