locals {
  region            = data.aws_region.current.name
  ses_events        = ["Send", "Delivery", "Bounce", "Complaint", "Reject", "DeliveryDelay"]
  sender_dimensions = "{AWS/SES,\"ses:caller-identity\",\"ses:from-domain\"}"

  widgets = [
    {
      type = "metric", x = 0, y = 0, width = 12, height = 6,
      properties = {
        title = "Mail by event (SES)", region = local.region, stat = "Sum", period = 300, view = "timeSeries",
        metrics = [for index, name in local.ses_events : [
          { expression = "SUM(SEARCH('${local.sender_dimensions} MetricName=\"${name}\"', 'Sum', 300))", id = "e${index}", label = name }
        ]]
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
            [for index, value in var.bounce_rate_thresholds : { label = "bounce alarm ${index + 1}", value = value }],
            [for index, value in var.complaint_rate_thresholds : { label = "complaint alarm ${index + 1}", value = value }],
          )
        }
      }
    },
    {
      type = "metric", x = 0, y = 6, width = 12, height = 6,
      properties = {
        title = "Per sender: sends and failures", region = local.region, stat = "Sum", period = 3600, view = "timeSeries",
        metrics = [
          [{ expression = "SEARCH('{SesSmtp,Sender,service} MetricName=\"Send\"', 'Sum', 3600)", id = "sends", label = "" }],
          [{ expression = "SEARCH('{SesSmtp,Sender,service} MetricName=\"Bounce\"', 'Sum', 3600)", id = "bounces", label = "" }],
          [{ expression = "SEARCH('{SesSmtp,Sender,service} MetricName=\"Complaint\"', 'Sum', 3600)", id = "complaints", label = "" }],
        ]
      }
    },
    {
      type = "metric", x = 12, y = 6, width = 12, height = 6,
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
      type = "metric", x = 0, y = 12, width = 12, height = 6,
      properties = {
        title = "Event pipeline: dead letters, backlog, malformed", region = local.region, stat = "Maximum", period = 300, view = "timeSeries",
        metrics = [
          ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", aws_sqs_queue.dead_letter.name, { label = "Dead letters" }],
          ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", aws_sqs_queue.events.name, { label = "Oldest event (s)", yAxis = "right" }],
          ["SesSmtp", "MalformedEvents", "service", "ses-smtp", { stat = "Sum", label = "Malformed events" }],
        ]
      }
    },
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name_prefix
  dashboard_body = jsonencode({ widgets = local.widgets })
}
