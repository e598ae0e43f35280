# Receiving: SES stores each message for the domain in an encrypted bucket, then hands the stored
# message to the forwarding function, which sends it on to the sender's own mailbox.

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  # Names and values the functions use too (one file, read by both sides).
  contract      = jsondecode(file("${path.module}/../../functions/ses_smtp/contract.json"))
  account_id    = data.aws_caller_identity.current.account_id
  partition     = data.aws_partition.current.partition
  rule_name     = "${var.name_prefix}-receive"
  rule_set_name = var.existing_receipt_rule_set == null ? "${var.name_prefix}-receiving" : var.existing_receipt_rule_set.name
  object_prefix = local.contract.received_mail_prefix # the admin CLI reads the bucket there too
  # Known at plan: the bucket policy, the key policy and the function permission all name the rule.
  rule_arn      = "arn:${local.partition}:ses:${var.region}:${local.account_id}:receipt-rule-set/${local.rule_set_name}:receipt-rule/${local.rule_name}"
  table_arn     = "arn:${local.partition}:dynamodb:${var.region}:${local.account_id}:table/${var.table_name}"
  function_name = "${var.name_prefix}-forwarding"
  # Known at plan (at most 63 characters with a 32-character prefix), so policies render in tests.
  bucket_name     = "${var.name_prefix}-rx-${local.account_id}-${var.region}"
  bucket_arn      = "arn:${local.partition}:s3:::${local.bucket_name}"
  dead_letter_arn = "arn:${local.partition}:sqs:${var.region}:${local.account_id}:${local.function_name}-dlq"
}

# The bucket of received mail

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:Access logs would need a second bucket and record only SES's own writes; CloudTrail data events are the caller's choice.
  #checkov:skip=CKV_AWS_144:Mail is kept for received_mail_retention_days only; a replica would double the copies of personal mail.
  #checkov:skip=CKV_AWS_21:Each message is written once by SES and never changed; versions would only outlive the retention period.
  #checkov:skip=CKV2_AWS_62:SES invokes the forwarding function itself (receipt rule Lambda action), after storing the message.
  bucket = local.bucket_name
  tags   = var.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = true # one KMS call per bucket key, not per message
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "received-mail-expires"
    status = "Enabled"

    filter {}

    expiration {
      days = var.received_mail_retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

data "aws_iam_policy_document" "bucket" {
  statement {
    sid       = "SesStoresReceivedMail"
    actions   = ["s3:PutObject"]
    resources = [for prefix in local.stored_prefixes : "${local.bucket_arn}/${prefix}*"]

    principals {
      type        = "Service"
      identifiers = ["ses.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = local.rule_arns
    }
  }

  statement {
    sid       = "TlsOnly"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [local.bucket_arn, "${local.bucket_arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.bucket.json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

# The rule set: joined (the caller names the active one) or, without one, created and activated.

resource "aws_ses_receipt_rule_set" "this" {
  count = var.existing_receipt_rule_set == null ? 1 : 0

  rule_set_name = local.rule_set_name
}

resource "aws_ses_active_receipt_rule_set" "this" {
  count = var.existing_receipt_rule_set == null ? 1 : 0

  rule_set_name = aws_ses_receipt_rule_set.this[0].rule_set_name
}

resource "aws_ses_receipt_rule" "this" {
  name          = local.rule_name
  rule_set_name = var.existing_receipt_rule_set == null ? aws_ses_receipt_rule_set.this[0].rule_set_name : local.rule_set_name
  recipients    = [var.domain]
  enabled       = true
  scan_enabled  = true # spam and virus verdicts in every event; failing mail is kept, not forwarded
  tls_policy    = var.receiving_tls_policy
  after         = local.reports_enabled ? aws_ses_receipt_rule.reports[0].name : null # reports.tf: reports first

  s3_action {
    position          = 1
    bucket_name       = aws_s3_bucket.this.id
    object_key_prefix = local.object_prefix
  }

  lambda_action {
    position        = 2
    function_arn    = module.function.function_arn
    invocation_type = "Event" # retried by Lambda, then the dead-letter queue
  }

  depends_on = [aws_s3_bucket_policy.this, aws_lambda_permission.ses]
}

# The forwarding function

data "aws_iam_policy_document" "forwarding" {
  statement {
    sid       = "ReadReceivedMail"
    actions   = ["s3:GetObject"]
    resources = ["${local.bucket_arn}/${local.object_prefix}*"]
  }

  # Through S3 only: the key policy names this bucket's encryption context.
  statement {
    sid       = "DecryptReceivedMailViaS3"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${var.region}.amazonaws.com"]
    }
  }

  statement {
    sid       = "SendAsTheDomain"
    actions   = ["ses:SendEmail", "ses:SendRawEmail"]
    resources = [var.identity_arn, var.configuration_set_arn]

    condition {
      test     = "StringLike"
      variable = "ses:FromAddress"
      values   = ["*@${var.domain}"]
    }
  }

  statement {
    sid       = "BounceUnknownRecipients"
    actions   = ["ses:SendBounce"]
    resources = [var.identity_arn]
  }

  # Only the attributes forwarding needs: never the sealed credentials.
  statement {
    sid       = "ReadSenderAddresses"
    actions   = ["dynamodb:Scan"]
    resources = [local.table_arn]

    condition {
      test     = "ForAllValues:StringEquals"
      variable = "dynamodb:Attributes"
      values   = local.contract.table.forwarding_reads
    }

    condition {
      test     = "StringEqualsIfExists"
      variable = "dynamodb:Select"
      values   = ["SPECIFIC_ATTRIBUTES"]
    }
  }

  statement {
    sid       = "RememberForwardedMessages"
    actions   = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
    resources = [local.table_arn]

    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = ["${local.contract.table.key_prefixes.forwarded}*"]
    }
  }

  statement {
    sid       = "DeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [local.dead_letter_arn]
  }
}

module "function" {
  source = "../function"

  name                          = local.function_name
  description                   = "Forwards mail received for a sender's address to the sender's own mailbox."
  handler                       = "ses_smtp.handlers.forwarding.handler"
  package_path                  = "${var.lambda_package_dir}/ses_smtp.zip"
  layer_arns                    = [var.layer_arn]
  policy_json                   = data.aws_iam_policy_document.forwarding.json
  timeout                       = 60
  memory_size                   = 512 # a 40 MB message is held in memory twice while rewritten
  reserved_concurrency          = -1
  runtime                       = var.lambda_runtime
  log_retention_days            = var.log_retention_days
  kms_key_arn                   = var.kms_key_arn
  role_permissions_boundary_arn = var.role_permissions_boundary_arn
  tags                          = var.tags

  environment = {
    (local.contract.environment.bucket_name)       = aws_s3_bucket.this.id
    (local.contract.environment.object_prefix)     = local.object_prefix
    (local.contract.environment.table_name)        = var.table_name
    (local.contract.environment.domain)            = var.domain
    (local.contract.environment.unknown_recipient) = var.receiving_unknown_recipient
    (local.contract.environment.retention_days)    = tostring(var.received_mail_retention_days)
    (local.contract.environment.service_name)      = var.name_prefix
    (local.contract.environment.metrics_namespace) = local.contract.metric_namespace
  }
}

resource "aws_lambda_permission" "ses" {
  statement_id   = "SesReceiptRule"
  action         = "lambda:InvokeFunction"
  function_name  = module.function.function_name
  principal      = "ses.amazonaws.com"
  source_account = local.account_id
  source_arn     = local.rule_arn
}

# Failures are retried by Lambda, then kept in a dead-letter queue; modules/monitoring alarms on it.

resource "aws_sqs_queue" "dead_letter" {
  name                      = "${local.function_name}-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true # Lambda writes here as the function's role: no key grant needed
  tags                      = var.tags
}

resource "aws_lambda_function_event_invoke_config" "this" {
  function_name                = module.function.function_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 21600

  destination_config {
    on_failure {
      destination = aws_sqs_queue.dead_letter.arn
    }
  }
}

# For the people who run `ses-smtp users confirmation`: read the stored mail (the key policy lets
# admin_principal_arns decrypt it through S3).
data "aws_iam_policy_document" "administrators" {
  statement {
    sid       = "ListReceivedMail"
    actions   = ["s3:ListBucket"]
    resources = [local.bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [for prefix in local.stored_prefixes : "${prefix}*"]
    }
  }

  statement {
    sid       = "ReadReceivedMail"
    actions   = ["s3:GetObject"]
    resources = [for prefix in local.stored_prefixes : "${local.bucket_arn}/${prefix}*"]
  }
}
