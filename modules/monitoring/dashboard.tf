locals {
  region     = data.aws_region.current.id
  dimension  = local.contract.metric_dimensions
  ses_events = ["Send", "Delivery", "Bounce", "Complaint", "Reject", "DeliveryDelay"]

  # Senders are ranked by Metrics Insights (top N) rather than listed by SEARCH, so the dashboard
  # shows a bounded number of series however many senders there are: CloudWatch's free dashboards
  # hold up to 50 metrics each.
  top_senders = [
    { id = "sends", metric = "Send", limit = 10, title = "Senders with the most mail (top 10)" },
    { id = "bounces", metric = "Bounce", limit = 5, title = "Senders with the most bounces (top 5)" },
    { id = "complaints", metric = "Complaint", limit = 5, title = "Senders with the most complaints (top 5)" },
  ]

  sender_widgets = [for index, top in local.top_senders : {
    type = "metric", x = index * 8, y = 6, width = 8, height = 6,
    properties = {
      title = top.title, region = local.region, period = 3600, view = "timeSeries",
      metrics = [[{
        id         = top.id
        label      = ""
        expression = "SELECT SUM(${top.metric}) FROM SCHEMA(${local.contract.metric_namespace}, ${local.dimension.sender}, ${local.dimension.service}) WHERE ${local.dimension.service} = '${var.name_prefix}' GROUP BY ${local.dimension.sender} ORDER BY SUM() DESC LIMIT ${top.limit}"
      }]]
    }
  }]

  # What the DMARC and TLS reports say (modules/receiving's report function): five lines.
  report_metrics = {
    (local.contract.metrics.dmarc_pass)          = "DMARC pass"
    (local.contract.metrics.dmarc_fail_ours)     = "DMARC fail, our own mail (fix before tightening the policy)"
    (local.contract.metrics.dmarc_fail_others)   = "DMARC fail, other sources (someone else, or a forgotten tool)"
    (local.contract.metrics.tls_sessions_failed) = "TLS failures (senders reaching our MX)"
    (local.contract.metrics.reports_rejected)    = "Reports rejected (malformed or hostile)"
  }
  report_widgets = !var.reports_widget_enabled ? [] : [{
    type = "metric", x = 0, y = 18, width = 24, height = 6,
    properties = {
      title   = "DMARC and TLS reports (messages per day, as receivers report them)", region = local.region, stat = "Sum", period = 86400, view = "timeSeries",
      metrics = [for name, label in local.report_metrics : [local.contract.metric_namespace, name, local.dimension.service, var.name_prefix, { label = label }]]
    }
  }]

  widgets = concat([
    {
      type = "metric", x = 0, y = 0, width = 12, height = 6,
      properties = {
        title   = "Mail by event", region = local.region, stat = "Sum", period = 300, view = "timeSeries",
        metrics = [for name in local.ses_events : [local.contract.metric_namespace, name, local.dimension.service, var.name_prefix, { label = name }]]
      }
    },
    {
      type = "metric", x = 12, y = 0, width = 12, height = 6,
      properties = {
        title = "Reputation (SES account)", region = local.region, stat = "Maximum", period = 900, view = "timeSeries",
        metrics = [
          ["AWS/SES", "Reputation.BounceRate", { label = "Bounce rate" }],
          ["AWS/SES", "Reputation.ComplaintRate", { label = "Complaint rate" }],
        ]
        annotations = {
          horizontal = concat(
            [for level in local.levels : { label = "bounce ${level}", value = var.bounce_rate_alarm_thresholds[level] }],
            [for level in local.levels : { label = "complaint ${level}", value = var.complaint_rate_alarm_thresholds[level] }],
          )
        }
      }
    },
    ], local.sender_widgets, [
    {
      type = "metric", x = 0, y = 12, width = 12, height = 6,
      properties = {
        title = "Functions: errors, throttles, duration", region = local.region, stat = "Sum", period = 300, view = "timeSeries",
        metrics = concat(
          [for name in values(var.function_names) : ["AWS/Lambda", "Errors", "FunctionName", name]],
          [for name in values(var.function_names) : ["AWS/Lambda", "Throttles", "FunctionName", name]],
          [for name in values(var.function_names) : ["AWS/Lambda", "Duration", "FunctionName", name, { stat = "p95", yAxis = "right" }]],
        )
      }
    },
    {
      type = "metric", x = 12, y = 12, width = 12, height = 6,
      properties = {
        title = "Event pipeline: dead letters, backlog, failures", region = local.region, stat = "Maximum", period = 300, view = "timeSeries",
        metrics = [
          ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.events_dead_letter_queue_name, { label = "Dead letters" }],
          ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", var.events_queue_name, { label = "Oldest event (s)", yAxis = "right" }],
          [local.contract.metric_namespace, local.contract.metrics.event_processing_errors, local.dimension.service, var.name_prefix, { stat = "Sum", label = "Failed on an AWS error (retried)" }],
          [local.contract.metric_namespace, local.contract.metrics.malformed_events, local.dimension.service, var.name_prefix, { stat = "Sum", label = "Malformed events" }],
          [local.contract.metric_namespace, local.contract.metrics.unknown_event_type, local.dimension.service, var.name_prefix, { stat = "Sum", label = "Unknown event types (skipped)" }],
        ]
      }
    },
    {
      # What the scheduled retire run found: the parts of CredentialsNeedAttention, and unused senders.
      type = "metric", x = 0, y = 24, width = 24, height = 6,
      properties = {
        title   = "Credentials: the retire run's findings", region = local.region, stat = "Maximum", period = 86400, view = "timeSeries",
        metrics = [for name, label in local.credential_metrics : [local.contract.metric_namespace, name, local.dimension.service, var.name_prefix, { label = label }]]
      }
    },
  ], local.report_widgets)
}

locals {
  credential_metrics = {
    (local.contract.metrics.credentials_past_max_age)           = "Keys past max age"
    (local.contract.metrics.senders_skipped_busy)               = "Senders skipped (busy)"
    (local.contract.metrics.unrecorded_access_keys_deactivated) = "Unrecorded keys deactivated"
    (local.contract.metrics.old_passwords_still_in_use)         = "Old password in use, retired within a day"
    (local.contract.metrics.unused_senders)                     = "Senders unused (leavers?)"
  }
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name_prefix
  dashboard_body = jsonencode({ widgets = local.widgets })
}
