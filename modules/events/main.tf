data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  # Names and values the functions use too (one file, read by both sides).
  contract   = jsondecode(file("${path.module}/../../functions/ses_smtp/contract.json"))
  account_id = data.aws_caller_identity.current.account_id
  # Built from its name, so the function's policy is known (and reviewable) at plan time.
  queue_arn = "arn:${data.aws_partition.current.partition}:sqs:${data.aws_region.current.id}:${local.account_id}:${var.name_prefix}-events"
  # SES event types published to the pipeline.
  event_types = ["SEND", "DELIVERY", "BOUNCE", "COMPLAINT", "REJECT", "DELIVERY_DELAY", "RENDERING_FAILURE"]
}

# SES -> SNS (encrypted; only SES in this account, for this configuration set, may publish)

resource "aws_sns_topic" "events" {
  name              = "${var.name_prefix}-events"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "events_topic" {
  statement {
    sid       = "OnlySesForThisConfigurationSet"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.events.arn]

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
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [var.configuration_set_arn]
    }
  }
}

resource "aws_sns_topic_policy" "events" {
  arn    = aws_sns_topic.events.arn
  policy = data.aws_iam_policy_document.events_topic.json
}

resource "aws_sesv2_configuration_set_event_destination" "sns" {
  configuration_set_name = var.configuration_set_name
  event_destination_name = "events-to-sns"

  event_destination {
    enabled              = true
    matching_event_types = local.event_types

    sns_destination {
      topic_arn = aws_sns_topic.events.arn
    }
  }

  depends_on = [aws_sns_topic_policy.events]
}

# SES's own CloudWatch metrics, with per-sender and per-from-domain dimensions from its auto-tags.
resource "aws_sesv2_configuration_set_event_destination" "cloudwatch" {
  configuration_set_name = var.configuration_set_name
  event_destination_name = "events-to-cloudwatch"

  event_destination {
    enabled              = true
    matching_event_types = local.event_types

    cloud_watch_destination {
      dimension_configuration {
        dimension_name          = "ses:caller-identity"
        dimension_value_source  = "MESSAGE_TAG"
        default_dimension_value = "unknown"
      }

      dimension_configuration {
        dimension_name          = "ses:from-domain"
        dimension_value_source  = "MESSAGE_TAG"
        default_dimension_value = "unknown"
      }
    }
  }
}

# SNS -> SQS (with a dead-letter queue) -> the events function

resource "aws_sqs_queue" "dead_letter" {
  name                      = "${var.name_prefix}-events-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

resource "aws_sqs_queue" "events" {
  name                       = "${var.name_prefix}-events"
  visibility_timeout_seconds = 180 # six times the function timeout
  message_retention_seconds  = 345600
  sqs_managed_sse_enabled    = true
  tags                       = var.tags

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter.arn
    maxReceiveCount     = 5
  })
}

data "aws_iam_policy_document" "events_queue" {
  statement {
    sid       = "OnlyTheEventsTopic"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.events.arn]

    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_sns_topic.events.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "events" {
  queue_url = aws_sqs_queue.events.id
  policy    = data.aws_iam_policy_document.events_queue.json
}

resource "aws_sns_topic_subscription" "events" {
  topic_arn = aws_sns_topic.events.arn
  protocol  = "sqs"
  endpoint  = aws_sqs_queue.events.arn
}

data "aws_iam_policy_document" "events_function" {
  statement {
    sid       = "ConsumeTheQueue"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
    resources = [local.queue_arn]
  }

  statement {
    sid       = "RememberBouncesAndComplaintsCountSenders"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
    resources = ["arn:${data.aws_partition.current.partition}:dynamodb:${data.aws_region.current.id}:${local.account_id}:table/${var.table_name}"]

    # Its items are recipient#<address> and usage#<IAM user>; sender records and sealed credentials
    # (sender#...) are not its own.
    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = ["${local.contract.table.key_prefixes.recipient}*", "${local.contract.table.key_prefixes.usage}*"]
    }
  }

  # A sender over its limits is quarantined by the credentials function, on a fixed request: this role
  # gets no IAM rights of its own.
  dynamic "statement" {
    for_each = var.sender_limit_action == "quarantine" ? [1] : []

    content {
      sid       = "AskTheCredentialsFunctionToQuarantine"
      actions   = ["lambda:InvokeFunction"]
      resources = ["arn:${data.aws_partition.current.partition}:lambda:${data.aws_region.current.id}:${local.account_id}:function:${var.credentials_function_name}"]
    }
  }
}

module "function" {
  source = "../function"

  name                          = "${var.name_prefix}-events"
  description                   = "Logs, counts and remembers SES delivery events."
  handler                       = "ses_smtp.handlers.events.handler"
  package_path                  = "${var.lambda_package_dir}/ses_smtp.zip"
  layer_arns                    = [var.layer_arn]
  policy_json                   = data.aws_iam_policy_document.events_function.json
  timeout                       = 30
  memory_size                   = 256
  reserved_concurrency          = var.events_function_reserved_concurrency
  runtime                       = var.lambda_runtime
  log_retention_days            = var.log_retention_days
  kms_key_arn                   = var.kms_key_arn
  role_permissions_boundary_arn = var.role_permissions_boundary_arn
  tags                          = var.tags

  environment = {
    (local.contract.environment.table_name)                = var.table_name
    (local.contract.environment.log_recipient_addresses)   = tostring(var.recipient_address_logging_enabled)
    (local.contract.environment.sender_limits)             = jsonencode(var.sender_limits)
    (local.contract.environment.sender_limit_action)       = var.sender_limit_action
    (local.contract.environment.credentials_function_name) = var.credentials_function_name
    (local.contract.environment.service_name)              = var.name_prefix
    (local.contract.environment.metrics_namespace)         = local.contract.metric_namespace
  }
}

resource "aws_lambda_event_source_mapping" "events" {
  event_source_arn                   = aws_sqs_queue.events.arn
  function_name                      = module.function.function_name
  batch_size                         = 100 # per-batch work (context, metric flushes) spread over more events
  maximum_batching_window_in_seconds = 5
  function_response_types            = ["ReportBatchItemFailures"]
  tags                               = var.tags
}
