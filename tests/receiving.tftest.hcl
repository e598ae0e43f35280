# Optional receiving, as rendered by the real provider (policy documents are computed locally). No AWS
# call is made: fake credentials, and every data source and computed ARN the policies need is pinned
# (the same pins as tests/credentials.tftest.hcl, then receiving's own).
provider "aws" {
  region                      = "eu-west-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

provider "aws" {
  alias                       = "us_east_1"
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variables {
  domain               = "example.com"
  admin_principal_arns = ["arn:aws:iam::123456789012:role/platform-admins"]
}

override_data {
  target          = module.encryption.data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012", arn = "arn:aws:sts::123456789012:assumed-role/terraform/ci" }
}

override_data {
  target          = module.encryption.data.aws_iam_session_context.deployer
  override_during = plan
  values          = { issuer_arn = "arn:aws:iam::123456789012:role/terraform" }
}

override_data {
  target          = module.credentials.data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

override_data {
  target          = module.credentials.module.credentials_function.data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

override_data {
  target          = module.events.data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

override_data {
  target          = module.events.module.function.data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

override_resource {
  target          = module.sending_domain.aws_sesv2_email_identity.this
  override_during = plan
  values = {
    arn                     = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
    dkim_signing_attributes = { tokens = ["a", "b", "c"], next_signing_key_length = "RSA_2048_BIT" }
  }
}

override_resource {
  target          = module.sending_domain.aws_sesv2_configuration_set.this
  override_during = plan
  values          = { arn = "arn:aws:ses:eu-west-1:123456789012:configuration-set/ses-smtp" }
}

override_resource {
  target          = module.encryption.aws_kms_key.this[0]
  override_during = plan
  values          = { arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555" }
}

override_resource {
  target          = module.credentials.aws_dynamodb_table.this
  override_during = plan
  values          = { arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/ses-smtp-credentials" }
}

override_resource {
  target          = module.credentials.aws_iam_group.senders
  override_during = plan
  values          = { arn = "arn:aws:iam::123456789012:group/ses-smtp/ses-smtp-senders" }
}

override_resource {
  target          = module.credentials.aws_iam_policy.sender_boundary
  override_during = plan
  values          = { arn = "arn:aws:iam::123456789012:policy/ses-smtp/ses-smtp-sender-boundary" }
}

override_resource {
  target          = module.credentials.module.credentials_function.aws_iam_role.this
  override_during = plan
  values          = { arn = "arn:aws:iam::123456789012:role/ses-smtp-credentials" }
}

override_resource {
  target          = module.events.aws_sqs_queue.dead_letter
  override_during = plan
  values          = { arn = "arn:aws:sqs:eu-west-1:123456789012:ses-smtp-events-dlq" }
}

override_resource {
  target          = module.events.module.function.aws_iam_role.this
  override_during = plan
  values          = { arn = "arn:aws:iam::123456789012:role/ses-smtp-events" }
}

override_resource {
  target          = module.credentials.module.credentials_function.aws_lambda_function.this
  override_during = plan
  values          = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:ses-smtp-credentials" }
}

override_data {
  target          = module.receiving[0].data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

override_data {
  target          = module.receiving[0].module.function.data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

override_resource {
  target          = module.receiving[0].aws_s3_bucket.this
  override_during = plan
  values = {
    id  = "ses-smtp-rx-123456789012-eu-west-1"
    arn = "arn:aws:s3:::ses-smtp-rx-123456789012-eu-west-1"
  }
}

override_resource {
  target          = module.receiving[0].module.function.aws_iam_role.this
  override_during = plan
  values          = { arn = "arn:aws:iam::123456789012:role/ses-smtp-forwarding" }
}

override_resource {
  target          = module.receiving[0].module.function.aws_lambda_function.this
  override_during = plan
  values          = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:ses-smtp-forwarding" }
}

override_data {
  target          = module.receiving[0].module.report_function[0].data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

override_resource {
  target          = module.receiving[0].module.report_function[0].aws_iam_role.this
  override_during = plan
  values          = { arn = "arn:aws:iam::123456789012:role/ses-smtp-reports" }
}

override_resource {
  target          = module.receiving[0].module.report_function[0].aws_lambda_function.this
  override_during = plan
  values          = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:ses-smtp-reports" }
}

override_resource {
  target          = module.receiving[0].aws_sqs_queue.dead_letter
  override_during = plan
  values          = { arn = "arn:aws:sqs:eu-west-1:123456789012:ses-smtp-forwarding-dlq" }
}

override_resource {
  target          = module.events.aws_sns_topic.alerts[0]
  override_during = plan
  values          = { arn = "arn:aws:sns:eu-west-1:123456789012:ses-smtp-alerts" }
}

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
  assert {
    condition     = length([for s in jsondecode(module.encryption.key_policy_json).Statement : s if s.Sid == "ReceivedMailThroughS3Only"]) == 0
    error_message = "Without receiving the key policy has no statement for received mail."
  }
}

run "receiving_needs_a_rule_set_decision" {
  command = plan

  variables {
    receiving_enabled = true
  }

  expect_failures = [var.receiving_enabled]
}

run "joins_the_active_rule_set_without_activating_anything" {
  command = plan

  variables {
    receiving_enabled     = true
    receipt_rule_set_name = "existing-active"
  }

  assert {
    condition     = !module.receiving[0].rule_set_created.created && module.receiving[0].rule_set_created.activated == null
    error_message = "Joining a rule set must neither create nor activate one: activating another stops the active one's mail."
  }
  assert {
    condition     = module.receiving[0].receipt_rule.rule_set_name == "existing-active"
    error_message = "The rule must be added to the rule set the caller named."
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
}

run "creates_and_activates_its_own_rule_set_only_when_told" {
  command = plan

  variables {
    receiving_enabled       = true
    receipt_rule_set_create = true
  }

  assert {
    condition     = module.receiving[0].rule_set_created.created && module.receiving[0].rule_set_name == "ses-smtp-receiving"
    error_message = "With receipt_rule_set_create the module creates <name_prefix>-receiving."
  }
  assert {
    condition     = module.receiving[0].rule_set_created.activated == "ses-smtp-receiving"
    error_message = "With receipt_rule_set_create the created rule set is activated."
  }
  assert {
    condition     = module.receiving[0].receipt_rule.rule_set_name == "ses-smtp-receiving"
    error_message = "The rule joins the created rule set."
  }
}

run "the_rule_scans_stores_then_forwards_mail_for_the_domain" {
  command = plan

  variables {
    receiving_enabled     = true
    receipt_rule_set_name = "existing-active"
  }

  assert {
    condition     = module.receiving[0].receipt_rule.scan_enabled && module.receiving[0].receipt_rule.enabled
    error_message = "SES must scan for spam and viruses: the forwarding function relies on the verdicts."
  }
  assert {
    condition     = module.receiving[0].receipt_rule.recipients == toset(["example.com"])
    error_message = "The rule receives mail for the domain."
  }
  assert {
    condition     = one(module.receiving[0].receipt_rule.s3_action).position == 1 && one(module.receiving[0].receipt_rule.lambda_action).position == 2
    error_message = "SES must store the message before it invokes the function (the function reads the stored message)."
  }
  assert {
    condition     = one(module.receiving[0].receipt_rule.lambda_action).invocation_type == "Event"
    error_message = "The function is invoked asynchronously: Lambda retries it and keeps failures in the dead-letter queue."
  }
  assert {
    condition     = module.receiving[0].invocation.invoke_config.destination_config[0].on_failure[0].destination == "arn:aws:sqs:eu-west-1:123456789012:ses-smtp-forwarding-dlq"
    error_message = "Failed forwarding must end in the dead-letter queue, never be lost silently."
  }
  assert {
    condition     = module.receiving[0].invocation.permission.source_arn == "arn:aws:ses:eu-west-1:123456789012:receipt-rule-set/existing-active:receipt-rule/ses-smtp-receive" && module.receiving[0].invocation.permission.source_account == "123456789012"
    error_message = "Only SES, for this rule in this account, may invoke the function."
  }
}

run "the_bucket_is_encrypted_private_tls_only_and_expires_mail" {
  command = plan

  variables {
    receiving_enabled            = true
    receipt_rule_set_name        = "existing-active"
    received_mail_retention_days = 14
  }

  assert {
    condition = alltrue([
      module.receiving[0].bucket_settings.public_access_block.block_public_acls,
      module.receiving[0].bucket_settings.public_access_block.block_public_policy,
      module.receiving[0].bucket_settings.public_access_block.ignore_public_acls,
      module.receiving[0].bucket_settings.public_access_block.restrict_public_buckets,
    ])
    error_message = "Public access must be blocked."
  }
  assert {
    condition = one([
      for rule in module.receiving[0].bucket_settings.encryption.rule :
      rule.apply_server_side_encryption_by_default[0]
    ]).kms_master_key_id == "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    error_message = "Received mail must be encrypted with the module's key."
  }
  assert {
    condition     = one(module.receiving[0].bucket_settings.lifecycle.rule).expiration[0].days == 14
    error_message = "Received mail must expire after received_mail_retention_days."
  }
  assert {
    condition = one([
      for s in jsondecode(module.receiving[0].bucket_policy_json).Statement : s if s.Sid == "TlsOnly"
    ]).Condition.Bool["aws:SecureTransport"] == "false"
    error_message = "Requests without TLS must be denied."
  }
  assert {
    condition = one([
      for s in jsondecode(module.receiving[0].bucket_policy_json).Statement : s if s.Sid == "SesStoresReceivedMail"
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

run "the_key_lets_ses_and_the_readers_use_it_through_s3_for_the_bucket_only" {
  command = plan

  variables {
    receiving_enabled     = true
    receipt_rule_set_name = "existing-active"
  }

  assert {
    condition = one([
      for s in jsondecode(module.encryption.key_policy_json).Statement : s if s.Sid == "ReceivedMailThroughS3Only"
      ]).Condition.StringEquals == {
      "kms:ViaService"                   = "s3.eu-west-1.amazonaws.com"
      "kms:EncryptionContext:aws:s3:arn" = "arn:aws:s3:::ses-smtp-rx-123456789012-eu-west-1"
    }
    error_message = "Received mail may be encrypted and decrypted only by S3, for the bucket of received mail."
  }
  assert {
    condition = toset(flatten([one([
      for s in jsondecode(module.encryption.key_policy_json).Statement : s if s.Sid == "ReceivedMailThroughS3Only"
    ]).Principal.AWS])) == toset(["arn:aws:iam::123456789012:role/ses-smtp-forwarding", "arn:aws:iam::123456789012:role/ses-smtp-reports", "arn:aws:iam::123456789012:role/platform-admins"])
    error_message = "Only the forwarding role, the report role and the administrators read received mail."
  }
}

run "the_forwarding_role_reads_this_bucket_and_sends_as_the_domain_only" {
  command = plan

  variables {
    receiving_enabled     = true
    receipt_rule_set_name = "existing-active"
  }

  assert {
    condition = one([
      for s in jsondecode(module.receiving[0].forwarding_role_policy_json).Statement : s if s.Sid == "ReadReceivedMail"
    ]).Resource == "arn:aws:s3:::ses-smtp-rx-123456789012-eu-west-1/inbound/*"
    error_message = "The function reads stored messages of this bucket only."
  }
  assert {
    condition = one([
      for s in jsondecode(module.receiving[0].forwarding_role_policy_json).Statement : s if s.Sid == "SendAsTheDomain"
    ]).Condition.StringLike["ses:FromAddress"] == "*@example.com"
    error_message = "Forwarded mail is sent From an address of the domain only."
  }
  assert {
    condition = toset(one([
      for s in jsondecode(module.receiving[0].forwarding_role_policy_json).Statement : s if s.Sid == "ReadSenderAddresses"
    ]).Condition["ForAllValues:StringEquals"]["dynamodb:Attributes"]) == toset(["pk", "sk", "name", "from_patterns", "forward_to", "status"])
    error_message = "The function reads sender addresses, never sealed credentials."
  }
}

run "the_table_lets_the_forwarding_function_write_its_claims" {
  command = plan

  variables {
    receiving_enabled     = true
    receipt_rule_set_name = "existing-active"
  }

  assert {
    condition     = contains(flatten([jsondecode(module.credentials.table_policy_json).Statement[0].Condition.ArnNotEquals["aws:PrincipalArn"]]), "arn:aws:iam::123456789012:role/ses-smtp-forwarding")
    error_message = "The table denies item writes to all but its writers: the forwarding role must be one, or no duplicate claim can be written."
  }
}

run "administrators_get_a_policy_to_read_the_stored_mail" {
  command = plan

  variables {
    receiving_enabled     = true
    receipt_rule_set_name = "existing-active"
  }

  assert {
    condition = toset(one([
      for s in jsondecode(output.receiving_administrators_policy_json).Statement : s if s.Sid == "ReadReceivedMail"
    ]).Resource) == toset(["arn:aws:s3:::ses-smtp-rx-123456789012-eu-west-1/inbound/*", "arn:aws:s3:::ses-smtp-rx-123456789012-eu-west-1/reports/*"])
    error_message = "`ses-smtp users confirmation` reads the stored messages (mail and reports), nothing else."
  }
}

run "plan_fails_where_ses_does_not_receive_mail" {
  command = plan

  variables {
    receiving_enabled     = true
    receipt_rule_set_name = "existing-active"
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
    receiving_enabled     = true
    receipt_rule_set_name = "existing-active"
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
    error_message = "Without receiving and without tls_rpt_rua there is no TLS-RPT record."
  }
}

run "given_addresses_are_kept_and_only_the_domains_own_are_read" {
  command = plan

  variables {
    receiving_enabled     = true
    receipt_rule_set_name = "existing-active"
    dmarc_rua             = ["DMARC@example.com", "reports@dmarc-vendor.example"]
    tls_rpt_rua           = ["https://reports.example.net/tlsrpt"]
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
    receipt_rule_set_name     = "existing-active"
    receiving_reports_enabled = false
  }

  assert {
    condition     = length(output.report_addresses) == 0 && output.report_function_name == null && module.receiving[0].report_receipt_rule == null
    error_message = "receiving_reports_enabled = false creates no report rule or function."
  }
  assert {
    condition     = module.receiving[0].receipt_rule.after == null
    error_message = "Without the report rule the forwarding rule is placed as before."
  }
}

run "rejects_a_report_address_at_a_subdomain" {
  command = plan

  variables {
    receiving_enabled     = true
    receipt_rule_set_name = "existing-active"
    dmarc_rua             = ["dmarc@reports.example.com"]
  }

  expect_failures = [var.receiving_reports_enabled]
}

run "the_report_rule_stores_reads_and_stops_before_forwarding" {
  command = plan

  variables {
    receiving_enabled     = true
    receipt_rule_set_name = "existing-active"
  }

  assert {
    condition     = module.receiving[0].report_receipt_rule.recipients == toset(["dmarc-reports@example.com", "tls-reports@example.com"])
    error_message = "The report rule receives the report addresses."
  }
  assert {
    condition     = one(module.receiving[0].report_receipt_rule.s3_action).position == 1 && one(module.receiving[0].report_receipt_rule.s3_action).object_key_prefix == "reports/"
    error_message = "SES stores a report mail under reports/ first (the function reads it there)."
  }
  assert {
    condition     = one(module.receiving[0].report_receipt_rule.lambda_action).position == 2 && one(module.receiving[0].report_receipt_rule.lambda_action).invocation_type == "Event"
    error_message = "Then SES invokes the report function asynchronously (retries, then the dead-letter queue)."
  }
  assert {
    condition     = one(module.receiving[0].report_receipt_rule.stop_action).position == 3 && one(module.receiving[0].report_receipt_rule.stop_action).scope == "RuleSet"
    error_message = "Then the rule set stops: the forwarding rule must not drop or bounce a report as an unknown recipient."
  }
  assert {
    condition     = module.receiving[0].report_receipt_rule.after == null && module.receiving[0].receipt_rule.after == "ses-smtp-reports"
    error_message = "The report rule comes first (no after), the forwarding rule after it."
  }
}

run "the_report_role_reads_report_mail_and_writes_report_items_only" {
  command = plan

  variables {
    receiving_enabled     = true
    receipt_rule_set_name = "existing-active"
  }

  assert {
    condition = one([
      for s in jsondecode(module.receiving[0].report_role_policy_json).Statement : s if s.Sid == "ReadReportMail"
    ]).Resource == "arn:aws:s3:::ses-smtp-rx-123456789012-eu-west-1/reports/*"
    error_message = "The report function reads report mail only, never the forwarded mail under inbound/."
  }
  assert {
    condition = one([
      for s in jsondecode(module.receiving[0].report_role_policy_json).Statement : s if s.Sid == "StoreReportSummaries"
    ]).Condition["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == "report#*"
    error_message = "The report function writes report#... items only: never a sender record or a sealed credential."
  }
  assert {
    condition = toset(flatten([
      for s in jsondecode(module.receiving[0].report_role_policy_json).Statement : s.Action if anytrue([for a in flatten([s.Action]) : startswith(a, "dynamodb:")])
    ])) == toset(["dynamodb:PutItem"])
    error_message = "The report function only puts items: it reads nothing from the table."
  }
  assert {
    condition     = contains(flatten([jsondecode(module.credentials.table_policy_json).Statement[0].Condition.ArnNotEquals["aws:PrincipalArn"]]), "arn:aws:iam::123456789012:role/ses-smtp-reports")
    error_message = "The table denies item writes to all but its writers: the report role must be one."
  }
}

run "report_failures_share_the_receiving_dead_letter_queue_and_its_alarm" {
  command = plan

  variables {
    receiving_enabled     = true
    receipt_rule_set_name = "existing-active"
  }

  assert {
    condition     = module.receiving[0].report_invocation.invoke_config.destination_config[0].on_failure[0].destination == "arn:aws:sqs:eu-west-1:123456789012:ses-smtp-forwarding-dlq"
    error_message = "A report the function could not read after Lambda's retries lands in the receiving dead-letter queue (one alarm for both)."
  }
  assert {
    condition     = module.receiving[0].report_invocation.permission.source_arn == "arn:aws:ses:eu-west-1:123456789012:receipt-rule-set/existing-active:receipt-rule/ses-smtp-reports"
    error_message = "Only SES, for the report rule in this account, may invoke the report function."
  }
  assert {
    condition     = length([for w in jsondecode(module.events.dashboard_body).widgets : w if startswith(w.properties.title, "DMARC and TLS reports")]) == 1
    error_message = "The dashboard shows what the reports say."
  }
}
