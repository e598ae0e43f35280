# modules/receiving on its own: the receipt rules, the bucket of received mail, the forwarding and report
# functions' permissions, as the real provider renders them (no AWS call: fake credentials, and every data
# source and computed ARN the policies need is pinned). The MX, the report addresses and the DNS records
# the root module derives are in tests/root.tftest.hcl.
provider "aws" {
  region                      = "eu-west-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variables {
  name_prefix                  = "ses-smtp"
  domain                       = "example.com"
  region                       = "eu-west-1"
  identity_arn                 = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
  configuration_set_arn        = "arn:aws:ses:eu-west-1:123456789012:configuration-set/ses-smtp"
  kms_key_arn                  = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  table_name                   = "ses-smtp-credentials"
  existing_receipt_rule_set    = { name = "existing-active" }
  received_mail_retention_days = 30
  receiving_unknown_recipient  = "drop"
  receiving_tls_policy         = "Require"
  lambda_package_dir           = "functions/dist"
  layer_arn                    = "arn:aws:lambda:eu-west-1:123456789012:layer:ses-smtp-dependencies:1"
  lambda_runtime               = "python3.13"
  log_retention_days           = 365
  tags                         = {}
  report_recipients            = ["dmarc-reports@example.com", "tls-reports@example.com"]
  mail_from_domain             = "mail.example.com"
}

override_data {
  target          = data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

override_data {
  target          = module.function.data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

override_data {
  target          = module.report_function[0].data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

override_resource {
  target          = aws_s3_bucket.this
  override_during = plan
  values = {
    id  = "ses-smtp-rx-123456789012-eu-west-1"
    arn = "arn:aws:s3:::ses-smtp-rx-123456789012-eu-west-1"
  }
}

override_resource {
  target          = module.function.aws_iam_role.this
  override_during = plan
  values          = { arn = "arn:aws:iam::123456789012:role/ses-smtp-forwarding" }
}

override_resource {
  target          = module.function.aws_lambda_function.this
  override_during = plan
  values          = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:ses-smtp-forwarding" }
}

override_resource {
  target          = module.report_function[0].aws_iam_role.this
  override_during = plan
  values          = { arn = "arn:aws:iam::123456789012:role/ses-smtp-reports" }
}

override_resource {
  target          = module.report_function[0].aws_lambda_function.this
  override_during = plan
  values          = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:ses-smtp-reports" }
}

override_resource {
  target          = aws_sqs_queue.dead_letter
  override_during = plan
  values          = { arn = "arn:aws:sqs:eu-west-1:123456789012:ses-smtp-forwarding-dlq" }
}

run "joins_the_active_rule_set_without_activating_anything" {
  command = plan

  module {
    source = "./modules/receiving"
  }


  assert {
    condition     = !(length(aws_ses_receipt_rule_set.this) > 0) && length(aws_ses_active_receipt_rule_set.this) == 0
    error_message = "Joining a rule set must neither create nor activate one: activating another stops the active one's mail."
  }
  assert {
    condition     = aws_ses_receipt_rule.this.rule_set_name == "existing-active"
    error_message = "The rule must be added to the rule set the caller named."
  }
}

run "creates_and_activates_its_own_rule_set_without_an_existing_one" {
  command = plan

  module {
    source = "./modules/receiving"
  }

  variables {
    existing_receipt_rule_set           = null
    receipt_rule_set_activation_enabled = true
  }


  assert {
    condition     = (length(aws_ses_receipt_rule_set.this) > 0) && aws_ses_receipt_rule.this.rule_set_name == "ses-smtp-receiving"
    error_message = "Without existing_receipt_rule_set the module creates <name_prefix>-receiving."
  }
  assert {
    condition     = one(aws_ses_active_receipt_rule_set.this[*].rule_set_name) == "ses-smtp-receiving"
    error_message = "Without existing_receipt_rule_set the created rule set is activated."
  }
  assert {
    condition     = aws_ses_receipt_rule.this.rule_set_name == "ses-smtp-receiving"
    error_message = "The rule joins the created rule set."
  }
}

run "the_rule_scans_stores_then_forwards_mail_for_the_domain" {
  command = plan

  module {
    source = "./modules/receiving"
  }


  assert {
    condition     = aws_ses_receipt_rule.this.scan_enabled && aws_ses_receipt_rule.this.enabled
    error_message = "SES must scan for spam and viruses: the forwarding function relies on the verdicts."
  }
  assert {
    condition     = aws_ses_receipt_rule.this.recipients == toset(["example.com"])
    error_message = "The rule receives mail for the domain."
  }
  assert {
    condition     = one(aws_ses_receipt_rule.this.s3_action).position == 1 && one(aws_ses_receipt_rule.this.lambda_action).position == 2
    error_message = "SES must store the message before it invokes the function (the function reads the stored message)."
  }
  assert {
    condition     = one(aws_ses_receipt_rule.this.lambda_action).invocation_type == "Event"
    error_message = "The function is invoked asynchronously: Lambda retries it and keeps failures in the dead-letter queue."
  }
  assert {
    condition     = aws_lambda_function_event_invoke_config.this.destination_config[0].on_failure[0].destination == "arn:aws:sqs:eu-west-1:123456789012:ses-smtp-forwarding-dlq"
    error_message = "Failed forwarding must end in the dead-letter queue, never be lost silently."
  }
  assert {
    condition     = aws_lambda_permission.ses.source_arn == "arn:aws:ses:eu-west-1:123456789012:receipt-rule-set/existing-active:receipt-rule/ses-smtp-receive" && aws_lambda_permission.ses.source_account == "123456789012"
    error_message = "Only SES, for this rule in this account, may invoke the function."
  }
}

run "the_bucket_is_encrypted_private_tls_only_and_expires_mail" {
  command = plan

  module {
    source = "./modules/receiving"
  }

  variables {
    received_mail_retention_days = 14
  }


  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "Public access must be blocked."
  }
  assert {
    condition = one([
      for rule in aws_s3_bucket_server_side_encryption_configuration.this.rule :
      rule.apply_server_side_encryption_by_default[0]
    ]).kms_master_key_id == "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    error_message = "Received mail must be encrypted with the module's key."
  }
  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.this.rule).expiration[0].days == 14
    error_message = "Received mail must expire after received_mail_retention_days."
  }
  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.bucket.json).Statement : s if s.Sid == "TlsOnly"
    ]).Condition.Bool["aws:SecureTransport"] == "false"
    error_message = "Requests without TLS must be denied."
  }
  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.bucket.json).Statement : s if s.Sid == "SesStoresReceivedMail"
      ]).Condition.StringEquals == {
      "aws:SourceAccount" = "123456789012"
      "aws:SourceArn" = [
        "arn:aws:ses:eu-west-1:123456789012:receipt-rule-set/existing-active:receipt-rule/ses-smtp-receive",
        "arn:aws:ses:eu-west-1:123456789012:receipt-rule-set/existing-active:receipt-rule/ses-smtp-reports",
      ]
    }
    error_message = "Only SES, for this account's two rules (mail, reports), may store mail (no confused deputy)."
  }
}

run "the_forwarding_role_reads_this_bucket_and_sends_as_the_domain_only" {
  command = plan

  module {
    source = "./modules/receiving"
  }


  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.forwarding.json).Statement : s if s.Sid == "ReadReceivedMail"
    ]).Resource == "arn:aws:s3:::ses-smtp-rx-123456789012-eu-west-1/inbound/*"
    error_message = "The function reads stored messages of this bucket only."
  }
  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.forwarding.json).Statement : s if s.Sid == "SendAsTheDomain"
    ]).Condition.StringLike["ses:FromAddress"] == "*@example.com"
    error_message = "Forwarded mail is sent From an address of the domain only."
  }
  assert {
    condition = toset(one([
      for s in jsondecode(data.aws_iam_policy_document.forwarding.json).Statement : s if s.Sid == "ReadSenderAddresses"
    ]).Condition["ForAllValues:StringEquals"]["dynamodb:Attributes"]) == toset(["pk", "sk", "name", "from_patterns", "forward_to", "status"])
    error_message = "The function reads sender addresses, never sealed credentials."
  }
}

run "administrators_get_a_policy_to_read_the_stored_mail" {
  command = plan

  module {
    source = "./modules/receiving"
  }


  assert {
    condition = toset(one([
      for s in jsondecode(data.aws_iam_policy_document.administrators.json).Statement : s if s.Sid == "ReadReceivedMail"
    ]).Resource) == toset(["arn:aws:s3:::ses-smtp-rx-123456789012-eu-west-1/inbound/*", "arn:aws:s3:::ses-smtp-rx-123456789012-eu-west-1/reports/*"])
    error_message = "`ses-smtp users confirmation` reads the stored messages (mail and reports), nothing else."
  }
}

run "the_report_rule_stores_reads_and_stops_before_forwarding" {
  command = plan

  module {
    source = "./modules/receiving"
  }


  assert {
    condition     = aws_ses_receipt_rule.reports[0].recipients == toset(["dmarc-reports@example.com", "tls-reports@example.com"])
    error_message = "The report rule receives the report addresses."
  }
  assert {
    condition     = one(aws_ses_receipt_rule.reports[0].s3_action).position == 1 && one(aws_ses_receipt_rule.reports[0].s3_action).object_key_prefix == "reports/"
    error_message = "SES stores a report mail under reports/ first (the function reads it there)."
  }
  assert {
    condition     = one(aws_ses_receipt_rule.reports[0].lambda_action).position == 2 && one(aws_ses_receipt_rule.reports[0].lambda_action).invocation_type == "Event"
    error_message = "Then SES invokes the report function asynchronously (retries, then the dead-letter queue)."
  }
  assert {
    condition     = one(aws_ses_receipt_rule.reports[0].stop_action).position == 3 && one(aws_ses_receipt_rule.reports[0].stop_action).scope == "RuleSet"
    error_message = "Then the rule set stops: the forwarding rule must not drop or bounce a report as an unknown recipient."
  }
  assert {
    condition     = aws_ses_receipt_rule.reports[0].after == null && aws_ses_receipt_rule.this.after == "ses-smtp-reports"
    error_message = "The report rule comes first (no after), the forwarding rule after it."
  }
}

run "the_report_role_reads_report_mail_and_writes_report_items_only" {
  command = plan

  module {
    source = "./modules/receiving"
  }


  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.reports[0].json).Statement : s if s.Sid == "ReadReportMail"
    ]).Resource == "arn:aws:s3:::ses-smtp-rx-123456789012-eu-west-1/reports/*"
    error_message = "The report function reads report mail only, never the forwarded mail under inbound/."
  }
  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.reports[0].json).Statement : s if s.Sid == "StoreReportSummaries"
    ]).Condition["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == "report#*"
    error_message = "The report function writes report#... items only: never a sender record or a sealed credential."
  }
  assert {
    condition = toset(flatten([
      for s in jsondecode(data.aws_iam_policy_document.reports[0].json).Statement : s.Action if anytrue([for a in flatten([s.Action]) : startswith(a, "dynamodb:")])
    ])) == toset(["dynamodb:PutItem"])
    error_message = "The report function only puts items: it reads nothing from the table."
  }
}

run "report_failures_share_the_receiving_dead_letter_queue_and_its_alarm" {
  command = plan

  module {
    source = "./modules/receiving"
  }


  assert {
    condition     = aws_lambda_function_event_invoke_config.reports[0].destination_config[0].on_failure[0].destination == "arn:aws:sqs:eu-west-1:123456789012:ses-smtp-forwarding-dlq"
    error_message = "A report the function could not read after Lambda's retries lands in the receiving dead-letter queue (one alarm for both)."
  }
  assert {
    condition     = aws_lambda_permission.reports[0].source_arn == "arn:aws:ses:eu-west-1:123456789012:receipt-rule-set/existing-active:receipt-rule/ses-smtp-reports"
    error_message = "Only SES, for the report rule in this account, may invoke the report function."
  }
}

run "without_report_addresses_there_is_no_report_rule_or_function" {
  command = plan

  module {
    source = "./modules/receiving"
  }

  variables {
    report_recipients = []
  }

  assert {
    condition     = length(aws_ses_receipt_rule.reports) == 0 && output.report_function_name == null && output.report_role_arn == null
    error_message = "Without report addresses no report rule or function is created."
  }
  assert {
    condition     = aws_ses_receipt_rule.this.after == null
    error_message = "Without the report rule the forwarding rule is placed as before."
  }
}

run "receiving_needs_a_rule_set_to_join_or_the_word_to_activate_its_own" {
  command = plan

  module {
    source = "./modules/receiving"
  }

  variables {
    existing_receipt_rule_set = null
  }

  expect_failures = [var.receipt_rule_set_activation_enabled]
}

run "a_rule_set_to_join_and_one_to_activate_exclude_each_other" {
  command = plan

  module {
    source = "./modules/receiving"
  }

  variables {
    existing_receipt_rule_set           = { name = "existing-active" }
    receipt_rule_set_activation_enabled = true
  }

  expect_failures = [var.receipt_rule_set_activation_enabled]
}
