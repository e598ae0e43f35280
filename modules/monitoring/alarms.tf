# Alarms to the alerts topic (created, or the caller's), each saying what happened and what to do.

resource "aws_sns_topic" "alerts" {
  count = var.existing_alerts_topic == null ? 1 : 0

  name              = "${var.name_prefix}-alerts"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

# The account's own principals and services (alarms) as in SNS's default policy, plus the EventBridge
# rules named by the caller (the key-changes rule), each by its ARN.
data "aws_iam_policy_document" "alerts_topic" {
  count = var.existing_alerts_topic == null ? 1 : 0

  statement {
    sid       = "AccountPublishesAndManages"
    actions   = ["sns:Publish", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:AddPermission", "sns:RemovePermission", "sns:DeleteTopic"]
    resources = [aws_sns_topic.alerts[0].arn]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceOwner"
      values   = [local.account_id]
    }
  }

  dynamic "statement" {
    for_each = length(var.alert_publisher_rule_arns) > 0 ? [1] : []

    content {
      sid       = "EventBridgeRulesPublish"
      actions   = ["sns:Publish"]
      resources = [aws_sns_topic.alerts[0].arn]

      principals {
        type        = "Service"
        identifiers = ["events.amazonaws.com"]
      }

      condition {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = var.alert_publisher_rule_arns
      }
    }
  }
}

resource "aws_sns_topic_policy" "alerts" {
  count = var.existing_alerts_topic == null ? 1 : 0

  arn    = aws_sns_topic.alerts[0].arn
  policy = data.aws_iam_policy_document.alerts_topic[0].json
}

resource "aws_sns_topic_subscription" "alert_email" {
  for_each = var.existing_alerts_topic == null ? toset(var.alert_emails) : toset([])

  topic_arn = aws_sns_topic.alerts[0].arn
  protocol  = "email"
  endpoint  = each.value
}

locals {
  alerts_topic_arn = var.existing_alerts_topic == null ? aws_sns_topic.alerts[0].arn : var.existing_alerts_topic.arn
  levels           = ["warning", "critical"]

  reputation_alarms = merge(
    { for level in local.levels : "bounce-rate-${level}" => {
      metric      = "Reputation.BounceRate"
      threshold   = var.bounce_rate_alarm_thresholds[level]
      description = "SES account bounce rate is above ${var.bounce_rate_alarm_thresholds[level] * 100}% (SES reviews accounts at 5%, pauses at 10%). Find the sender with `ses-smtp events --sender`, stop sends to bad addresses, see docs/reputation.md."
    } },
    { for level in local.levels : "complaint-rate-${level}" => {
      metric      = "Reputation.ComplaintRate"
      threshold   = var.complaint_rate_alarm_thresholds[level]
      description = "SES account complaint rate is above ${var.complaint_rate_alarm_thresholds[level] * 100}% (SES reviews accounts at 0.1%, pauses at 0.5%). Find who complained with `ses-smtp events`, stop mailing them, see docs/reputation.md."
    } },
  )

  # Every event that fails, on an AWS error or as malformed input, is retried and then lands in the
  # dead-letter queue: this alarm, on the first message, is the alarm for both (EventProcessingErrors and
  # MalformedEvents tell them apart), rather than two more alarm metrics past the free ten.
  queue_alarms = {
    events-dead-letters = {
      queue       = var.events_dead_letter_queue_name
      metric      = "ApproximateNumberOfMessagesVisible"
      threshold   = 0
      periods     = 1
      description = "SES events could not be processed and are in ${var.events_dead_letter_queue_name}: an AWS error (EventProcessingErrors: permissions, throttling, a missing region) or malformed input (MalformedEvents). The events function's ERROR lines say which and why. Fix the cause, then `ses-smtp events --redrive`. A message with an ERROR_CODE attribute is a scheduled run Scheduler could not start: fix the cause it names; a retire run, run `ses-smtp users retire`; a send_quota reading needs nothing more (redrive would count either as malformed)."
    }
    events-backlog = {
      queue       = var.events_queue_name
      metric      = "ApproximateAgeOfOldestMessage"
      threshold   = 3600
      periods     = 2
      description = "SES events have waited over an hour in ${var.events_queue_name}: the events function is not keeping up or not running. Check its errors and throttles."
    }
  }

  # The events function counts each sender's recipients, hard bounces and complaints (ses_smtp.limits);
  # its WARNING line "sender over a limit" names the sender and the limit. One alarm metric (the 12th, past
  # CloudWatch's free ten); reaching 90% of a limit is a WARNING line and the SendersNearLimit metric only.
  sender_alarms = var.sender_limit_alarm_enabled ? {
    senders-over-limit = {
      metric      = local.contract.metrics.senders_over_limit
      description = "A sender passed one of its limits (${var.sender_limit_action == "quarantine" ? "its keys are now deactivated: `ses-smtp users status NAME` says why, `ses-smtp users release NAME` reactivates them" : "alert only: `ses-smtp users revoke NAME` stops it"}). The events function's log line \"sender over a limit\" names the sender. Mail SES already accepted is not recalled."
    }
  } : {}

  # The credentials function reads SES GetAccount every period and publishes SendQuotaUsed, the percent of
  # the 24-hour quota used (SES has no metric for it). Two alarm metrics past the free ten (0.20 USD a
  # month); send_quota_alarm_enabled = false removes them (and, in the root module, the reading).
  send_quota_alarms = { for level in local.levels : "send-quota-${level}" => {
    threshold   = var.send_quota_alarm_thresholds[level] * 100
    description = "The account has used over ${var.send_quota_alarm_thresholds[level] * 100}% of its 24-hour SES sending quota (in this region). SES refuses mail over the quota and does not queue it (mail clients get 454 Daily message quota exceeded). `ses-smtp status` shows the quota and each sender's volume today: find who sends most, or request a higher quota in the SES console (docs/troubleshooting.md)."
  } if var.send_quota_alarm_enabled }

  function_alarms = merge(
    { for role, name in var.function_names : "${role}-errors" => {
      function    = name
      metric      = "Errors"
      description = "The ${name} function failed. Its log group has the error, with the correlation id of the request."
    } },
    { for role, name in var.function_names : "${role}-throttles" => {
      function    = name
      metric      = "Throttles"
      description = "The ${name} function was throttled: its reserved concurrency is exhausted. Raise it or find what calls it so often."
    } },
  )
}

resource "aws_cloudwatch_metric_alarm" "reputation" {
  for_each = local.reputation_alarms

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = "AWS/SES"
  metric_name         = each.value.metric
  statistic           = "Maximum"
  period              = 900
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alerts_topic_arn]
  ok_actions          = [local.alerts_topic_arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "function" {
  for_each = local.function_alarms

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = "AWS/Lambda"
  metric_name         = each.value.metric
  dimensions          = { FunctionName = each.value.function }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alerts_topic_arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "queue" {
  for_each = local.queue_alarms

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = "AWS/SQS"
  metric_name         = each.value.metric
  dimensions          = { QueueName = each.value.queue }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = each.value.periods
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alerts_topic_arn]
  tags                = var.tags
}

# One alarm for everything the daily retire run finds that needs a person (the module's alarms stay
# few: each is billed per metric once CloudWatch's ten free alarm metrics are used). The run publishes
# the parts beside it: CredentialsPastMaxAge, SendersSkippedBusy, UnrecordedAccessKeysDeactivated and
# OldPasswordsStillInUse (the dashboard shows them, with UnusedSenders, which is not in the sum).
resource "aws_cloudwatch_metric_alarm" "credentials_need_attention" {
  alarm_name          = "${var.name_prefix}-credentials-need-attention"
  alarm_description   = "The daily retire run found credentials that need a person: a key past max_credential_age_days (rotate it), a sender held by an operation in flight, an active access key that no record knew (now deactivated: find who made it in CloudTrail), or an old password used today whose key is retired within a day (call the person). `ses-smtp users retire` lists them."
  namespace           = local.contract.metric_namespace
  metric_name         = local.contract.metrics.credentials_need_attention
  dimensions          = { (local.contract.metric_dimensions.service) = var.name_prefix }
  statistic           = "Maximum"
  period              = 3600
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alerts_topic_arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "sender" {
  for_each = local.sender_alarms

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = local.contract.metric_namespace
  metric_name         = each.value.metric
  dimensions          = { (local.contract.metric_dimensions.service) = var.name_prefix }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alerts_topic_arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "send_quota" {
  for_each = local.send_quota_alarms

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = local.contract.metric_namespace
  metric_name         = local.contract.metrics.send_quota_used
  dimensions          = { (local.contract.metric_dimensions.service) = var.name_prefix }
  statistic           = "Maximum"
  period              = var.send_quota_period_seconds
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching" # an unlimited quota publishes nothing; a failed reading is the credentials-errors alarm's
  alarm_actions       = [local.alerts_topic_arn]
  ok_actions          = [local.alerts_topic_arn]
  tags                = var.tags
}

# Received mail that could not be forwarded (or a report read) after Lambda's retries.
resource "aws_cloudwatch_metric_alarm" "received_mail_dead_letters" {
  count = var.receiving == null ? 0 : 1

  alarm_name          = "${var.receiving.function_name}-dead-letters"
  alarm_description   = "Received mail could not be forwarded${var.receiving.reports_enabled ? " (or a report read)" : ""} after Lambda's retries; the events are in ${var.receiving.dead_letter_queue_name} and the messages stay in ${var.receiving.bucket_name} until they expire. The function's log says why (the dead letter names it). Each dead letter holds SES's event (requestPayload): once fixed, invoke that function with it again (forwarding and reports are idempotent)."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = var.receiving.dead_letter_queue_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alerts_topic_arn]
  tags                = var.tags
}
