# The rotation function runs on a schedule: EventBridge Scheduler, pay per invocation.

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
  }
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    actions   = ["lambda:InvokeFunction"]
    resources = [local.rotation_function_arn]
  }
}

resource "aws_iam_role" "scheduler" {
  name                 = "${var.name_prefix}-rotation-schedule"
  description          = "Lets EventBridge Scheduler start the ${var.name_prefix} rotation function."
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
  #checkov:skip=CKV_AWS_297:The schedule carries no input, so there is nothing to encrypt; a CMK would only add a Scheduler decrypt grant.
  name                = "${var.name_prefix}-rotation"
  description         = "Retire previous SES SMTP keys whose grace period has passed."
  schedule_expression = var.rotation_schedule_expression

  flexible_time_window {
    mode                      = "FLEXIBLE"
    maximum_window_in_minutes = 60
  }

  target {
    arn      = module.rotation_function.function_arn
    role_arn = aws_iam_role.scheduler.arn

    retry_policy {
      maximum_retry_attempts       = 3
      maximum_event_age_in_seconds = 3600
    }
  }
}
