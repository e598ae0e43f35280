# Reports: DMARC aggregate and TLS-RPT reports mailed to the domain's own report addresses are stored
# under reports/ and read by the report function. Its rule comes first in the rule set and stops there,
# so the forwarding rule never sees a report (it would drop or bounce it as an unknown recipient).

locals {
  reports_enabled      = length(var.report_recipients) > 0
  report_rule_name     = "${var.name_prefix}-reports"
  report_object_prefix = local.contract.report_mail_prefix
  report_rule_arn      = "arn:${local.partition}:ses:${var.region}:${local.account_id}:receipt-rule-set/${local.rule_set_name}:receipt-rule/${local.report_rule_name}"
  report_function_name = "${var.name_prefix}-reports"
  rule_arns            = local.reports_enabled ? [local.rule_arn, local.report_rule_arn] : [local.rule_arn]
  stored_prefixes      = local.reports_enabled ? [local.object_prefix, local.report_object_prefix] : [local.object_prefix]
}

resource "aws_ses_receipt_rule" "reports" {
  count = local.reports_enabled ? 1 : 0

  name          = local.report_rule_name
  rule_set_name = var.existing_receipt_rule_set == null ? aws_ses_receipt_rule_set.this[0].rule_set_name : local.rule_set_name
  recipients    = var.report_recipients
  enabled       = true
  scan_enabled  = true
  tls_policy    = var.receiving_tls_policy
  # No `after`: CreateReceiptRule inserts a rule without one at the beginning of the rule set (SES API
  # Reference); the forwarding rule names this one as its `after`.

  s3_action {
    position          = 1
    bucket_name       = aws_s3_bucket.this.id
    object_key_prefix = local.report_object_prefix
  }

  lambda_action {
    position        = 2
    function_arn    = module.report_function[0].function_arn
    invocation_type = "Event" # retried by Lambda, then the receiving dead-letter queue
  }

  stop_action {
    position = 3
    scope    = "RuleSet"
  }

  depends_on = [aws_s3_bucket_policy.this, aws_lambda_permission.reports]
}

data "aws_iam_policy_document" "reports" {
  count = local.reports_enabled ? 1 : 0

  statement {
    sid       = "ReadReportMail"
    actions   = ["s3:GetObject"]
    resources = ["${local.bucket_arn}/${local.report_object_prefix}*"]
  }

  # Through S3 only: the key policy names this bucket's encryption context.
  statement {
    sid       = "DecryptReportMailViaS3"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${var.region}.amazonaws.com"]
    }
  }

  # One item per report, under its own key prefix: never a sender record or a sealed credential.
  statement {
    sid       = "StoreReportSummaries"
    actions   = ["dynamodb:PutItem"]
    resources = [local.table_arn]

    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = ["${local.contract.table.key_prefixes.report}*"]
    }
  }

  statement {
    sid       = "DeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [local.dead_letter_arn]
  }
}

module "report_function" {
  source = "../function"
  count  = local.reports_enabled ? 1 : 0

  name                          = local.report_function_name
  description                   = "Reads the DMARC aggregate and TLS-RPT reports mailed to the domain: one summary per report, and metrics."
  handler                       = "ses_smtp.handlers.reports.handler"
  package_path                  = "${var.lambda_package_dir}/ses_smtp.zip"
  layer_arns                    = [var.layer_arn]
  policy_json                   = data.aws_iam_policy_document.reports[0].json
  timeout                       = 60
  memory_size                   = 512 # a 10 MB attachment, decompressed up to 64 MB, parsed record by record
  reserved_concurrency          = -1  # a reservation would take from accounts whose limit is 10
  runtime                       = var.lambda_runtime
  log_retention_days            = var.log_retention_days
  kms_key_arn                   = var.kms_key_arn
  role_permissions_boundary_arn = var.role_permissions_boundary_arn
  tags                          = var.tags

  environment = {
    (local.contract.environment.bucket_name)           = aws_s3_bucket.this.id
    (local.contract.environment.object_prefix)         = local.report_object_prefix
    (local.contract.environment.table_name)            = var.table_name
    (local.contract.environment.mail_from_domain)      = var.mail_from_domain
    (local.contract.environment.report_retention_days) = tostring(var.report_retention_days)
    (local.contract.environment.service_name)          = var.name_prefix
    (local.contract.environment.metrics_namespace)     = local.contract.metric_namespace
  }
}

resource "aws_lambda_permission" "reports" {
  count = local.reports_enabled ? 1 : 0

  statement_id   = "SesReportRule"
  action         = "lambda:InvokeFunction"
  function_name  = module.report_function[0].function_name
  principal      = "ses.amazonaws.com"
  source_account = local.account_id
  source_arn     = local.report_rule_arn
}

# Failures share the forwarding function's dead-letter queue, and so its one alarm.
resource "aws_lambda_function_event_invoke_config" "reports" {
  count = local.reports_enabled ? 1 : 0

  function_name                = module.report_function[0].function_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 21600

  destination_config {
    on_failure {
      destination = aws_sqs_queue.dead_letter.arn
    }
  }
}
