# The credentials function's retire run, and its send-quota reading, on schedules: EventBridge
# Scheduler, pay per invocation. Each input is fixed here, and the role trusts only these schedules, so
# they ask for nothing but `retire` and `send_quota`. A run Scheduler cannot start lands in the events
# dead-letter queue, whose alarm says so.

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = compact([local.schedule_arn, local.send_quota_enabled ? local.send_quota_schedule_arn : ""])
    }
  }
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "StartTheRetireRun"
    actions   = ["lambda:InvokeFunction"]
    resources = [local.credentials_function_arn]
  }

  statement {
    sid       = "KeepRunsItCouldNotStart"
    actions   = ["sqs:SendMessage"]
    resources = [var.schedule_dead_letter_queue_arn]
  }
}

resource "aws_iam_role" "scheduler" {
  name                 = "${var.name_prefix}-rotation-schedule"
  description          = "Lets EventBridge Scheduler start the ${var.name_prefix} credentials function's retire run."
  assume_role_policy   = data.aws_iam_policy_document.scheduler_assume.json
  permissions_boundary = var.role_permissions_boundary_arn
  tags                 = var.tags
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "invoke-rotation"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

resource "aws_scheduler_schedule" "rotation" {
  #checkov:skip=CKV_AWS_297:The schedule's input is a fixed request with no secret, so there is nothing to encrypt; a CMK would only add a Scheduler decrypt grant.
  name                = local.schedule_name
  description         = "Retire previous SES SMTP keys whose grace period has passed."
  schedule_expression = var.rotation_schedule_expression

  flexible_time_window {
    mode                      = "FLEXIBLE"
    maximum_window_in_minutes = 60
  }

  target {
    arn      = module.credentials_function.function_arn
    role_arn = aws_iam_role.scheduler.arn
    input = jsonencode({
      action         = local.contract.requests.retire
      actor          = "schedule:${var.name_prefix}-rotation"
      correlation_id = "<aws.scheduler.execution-id>"
    })

    dead_letter_config {
      arn = var.schedule_dead_letter_queue_arn
    }

    retry_policy {
      maximum_retry_attempts       = 3
      maximum_event_age_in_seconds = 3600
    }
  }
}

# SES publishes no CloudWatch metric for the 24-hour quota (AWS/SES has event counts and Reputation.*
# rates): this reading publishes SendQuotaUsed, which the send-quota alarms watch (modules/monitoring).
# A missed reading is not worth a retry: the next one comes a period later.
resource "aws_scheduler_schedule" "send_quota" {
  #checkov:skip=CKV_AWS_297:The schedule's input is a fixed request with no secret, so there is nothing to encrypt; a CMK would only add a Scheduler decrypt grant.
  count = local.send_quota_enabled ? 1 : 0

  name                = local.send_quota_schedule_name
  description         = "Read the account's SES sending quota and publish the share used (SES has no metric for it)."
  schedule_expression = var.send_quota_schedule_expression

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = module.credentials_function.function_arn
    role_arn = aws_iam_role.scheduler.arn
    input = jsonencode({
      action         = local.contract.requests.send_quota
      actor          = "schedule:${local.send_quota_schedule_name}"
      correlation_id = "<aws.scheduler.execution-id>"
    })

    dead_letter_config {
      arn = var.schedule_dead_letter_queue_arn
    }

    retry_policy {
      maximum_retry_attempts       = 0
      maximum_event_age_in_seconds = 600
    }
  }
}
