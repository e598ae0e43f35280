# Changes to the key's policy, grants, rotation or life raise an alert. EventBridge sees KMS calls as
# CloudTrail management events, which AWS delivers only while a trail logs them (see docs/security.md).

locals {
  key_arn = var.existing_kms_key == null ? aws_kms_key.this[0].arn : var.existing_kms_key.arn
}

resource "aws_cloudwatch_event_rule" "key_changes" {
  name        = local.key_changes_rule
  description = "Changes to the ${var.name_prefix} KMS key's policy, grants, rotation or state."
  tags        = var.tags

  event_pattern = jsonencode({
    source        = ["aws.kms"]
    "detail-type" = ["AWS API Call via CloudTrail"]
    detail = {
      eventSource = ["kms.amazonaws.com"]
      eventName   = local.key_change_events
      resources   = { ARN = [local.key_arn] }
    }
  })
}

resource "aws_cloudwatch_event_target" "key_changes" {
  rule      = aws_cloudwatch_event_rule.key_changes.name
  target_id = "alerts-topic"
  arn       = var.alerts_topic_arn

  input_transformer {
    input_paths = {
      event  = "$.detail.eventName"
      caller = "$.detail.userIdentity.arn"
      time   = "$.time"
    }
    input_template = "\"${var.name_prefix}: <event> on the password key by <caller> at <time>. A key administrator can make themselves a password reader this way: check it was intended (docs/security.md).\""
  }
}
