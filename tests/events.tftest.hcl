# modules/events on its own: SES event destinations, the SNS -> SQS -> function pipeline, alarms, the
# alerts topic and the events function's permissions. The real provider renders the IAM JSON (no AWS
# call: fake credentials, and the one data source that would call STS is pinned).
provider "aws" {
  region                      = "eu-west-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variables {
  name_prefix                = "ses-smtp"
  configuration_set_name     = "ses-smtp"
  configuration_set_arn      = "arn:aws:ses:eu-west-1:123456789012:configuration-set/ses-smtp"
  kms_key_arn                = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  table_name                 = "ses-smtp-credentials"
  package_dir                = "functions/dist"
  layer_arn                  = "arn:aws:lambda:eu-west-1:123456789012:layer:ses-smtp-dependencies:1"
  runtime                    = "python3.13"
  log_retention_days         = 365
  reserved_concurrency       = 2
  log_recipient_addresses    = false
  alert_emails               = []
  bounce_rate_thresholds     = [0.02, 0.04]
  complaint_rate_thresholds  = [0.0004, 0.0008]
  sender_limit_action        = "alert"
  sender_limit_alarm_enabled = true
  tags                       = {}
  function_names             = { credentials = "ses-smtp-credentials", events = "ses-smtp-events" }
  sender_limits              = { per_hour = 200, per_day = 1000, max_bounce_rate = 0.1, max_complaint_rate = 0.01, min_volume = 20 }
}

override_data {
  target          = data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

override_data {
  target          = module.function.data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

run "every_ses_event_type_reaches_sns_and_cloudwatch" {
  command = plan

  module {
    source = "./modules/events"
  }

  assert {
    condition = toset(one(aws_sesv2_configuration_set_event_destination.sns.event_destination).matching_event_types) == toset([
      "SEND", "DELIVERY", "BOUNCE", "COMPLAINT", "REJECT", "DELIVERY_DELAY", "RENDERING_FAILURE",
    ])
    error_message = "Every event type the pipeline handles must be published to SNS."
  }
  assert {
    condition = toset([
      for d in one(one(aws_sesv2_configuration_set_event_destination.cloudwatch.event_destination).cloud_watch_destination).dimension_configuration : d.dimension_name
    ]) == toset(["ses:caller-identity", "ses:from-domain"])
    error_message = "CloudWatch counts must be split by sender (ses:caller-identity) and From domain."
  }
}

run "the_queue_feeds_the_function_with_partial_batch_failures" {
  command = plan

  module {
    source = "./modules/events"
  }

  assert {
    condition     = aws_lambda_event_source_mapping.events.function_response_types == toset(["ReportBatchItemFailures"])
    error_message = "A malformed record must fail alone, not the whole batch."
  }
  assert {
    condition     = aws_lambda_event_source_mapping.events.batch_size == 100 && aws_lambda_event_source_mapping.events.maximum_batching_window_in_seconds == 5
    error_message = "Events are processed in batches of up to 100, gathered for at most 5 seconds."
  }
}

run "reputation_alarms_fire_at_the_thresholds_given" {
  command = plan

  module {
    source = "./modules/events"
  }

  variables {
    bounce_rate_thresholds    = [0.03, 0.045]
    complaint_rate_thresholds = [0.0005, 0.0009]
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.reputation["bounce-rate-warning"].threshold == 0.03 && aws_cloudwatch_metric_alarm.reputation["bounce-rate-critical"].threshold == 0.045 &&
      aws_cloudwatch_metric_alarm.reputation["complaint-rate-warning"].threshold == 0.0005 && aws_cloudwatch_metric_alarm.reputation["complaint-rate-critical"].threshold == 0.0009
    )
    error_message = "The bounce and complaint alarms must fire at the warning and critical thresholds given."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.reputation["bounce-rate-warning"].metric_name == "Reputation.BounceRate" && aws_cloudwatch_metric_alarm.reputation["complaint-rate-critical"].metric_name == "Reputation.ComplaintRate"
    error_message = "The reputation alarms must watch SES's account-level reputation metrics."
  }
}

run "every_function_has_an_errors_and_a_throttles_alarm_and_one_dead_letter_alarms" {
  command = plan

  module {
    source = "./modules/events"
  }

  assert {
    condition = alltrue([for role in ["credentials", "events"] :
    contains(keys(aws_cloudwatch_metric_alarm.function), "${role}-errors") && contains(keys(aws_cloudwatch_metric_alarm.function), "${role}-throttles")])
    error_message = "Every function must have an errors and a throttles alarm."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.queue["events-dead-letters"].threshold == 0 && aws_cloudwatch_metric_alarm.queue["events-dead-letters"].comparison_operator == "GreaterThanThreshold"
    error_message = "One dead letter must raise the alarm."
  }
}

run "alerts_go_to_a_created_topic_with_email_subscriptions" {
  command = plan

  module {
    source = "./modules/events"
  }

  variables {
    alert_emails = ["ops@example.com"]
  }

  assert {
    condition     = length(aws_sns_topic.alerts) == 1 && [for s in aws_sns_topic_subscription.alert_email : s.endpoint] == ["ops@example.com"]
    error_message = "Without existing_alerts_topic the module must create the topic and subscribe alert_emails."
  }
}

run "alerts_go_to_an_existing_topic" {
  command = plan

  module {
    source = "./modules/events"
  }

  variables {
    alert_emails          = ["ops@example.com"]
    existing_alerts_topic = { arn = "arn:aws:sns:eu-west-1:123456789012:platform-alerts" }
  }

  assert {
    condition     = length(aws_sns_topic.alerts) == 0 && length(aws_sns_topic_subscription.alert_email) == 0
    error_message = "With existing_alerts_topic the module must create no topic and no subscription."
  }
  assert {
    condition     = output.alerts_topic_arn == "arn:aws:sns:eu-west-1:123456789012:platform-alerts" && alltrue([for alarm in aws_cloudwatch_metric_alarm.reputation : alarm.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:platform-alerts"])])
    error_message = "With existing_alerts_topic the alarms must notify the given topic."
  }
}

run "the_event_source_mapping_carries_the_callers_tags" {
  command = plan

  module {
    source = "./modules/events"
  }

  variables {
    tags = { team = "mail" }
  }

  assert {
    condition     = aws_lambda_event_source_mapping.events.tags == tomap({ team = "mail" })
    error_message = "tags promises every resource that supports them: the events queue's event source mapping too."
  }
}

run "the_events_function_can_only_ask_the_credentials_function_to_quarantine_and_touch_its_own_items" {
  command = plan

  module {
    source = "./modules/events"
  }

  variables {
    sender_limit_action = "quarantine"
  }

  assert {
    condition = [
      for s in jsondecode(data.aws_iam_policy_document.events_function.json).Statement : s.Resource
      if s.Sid == "AskTheCredentialsFunctionToQuarantine"
    ] == ["arn:aws:lambda:eu-west-1:123456789012:function:ses-smtp-credentials"]
    error_message = "The events role may invoke the credentials function, and nothing else, to quarantine."
  }
  assert {
    condition = alltrue([
      for s in jsondecode(data.aws_iam_policy_document.events_function.json).Statement :
      alltrue([for a in flatten([s.Action]) : !startswith(a, "iam:")])
    ])
    error_message = "The events role must have no IAM rights: the credentials function deactivates keys."
  }
  assert {
    condition = toset(one([
      for s in jsondecode(data.aws_iam_policy_document.events_function.json).Statement : s
      if s.Sid == "RememberBouncesAndComplaintsCountSenders"
    ]).Condition["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]) == toset(["recipient#*", "usage#*"])
    error_message = "The events role writes recipient and usage items only, never sender records or credentials."
  }
}

run "with_alert_only_the_events_function_cannot_invoke_anything" {
  command = plan

  module {
    source = "./modules/events"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(data.aws_iam_policy_document.events_function.json).Statement :
      alltrue([for a in flatten([s.Action]) : !startswith(a, "lambda:")])
    ])
    error_message = "sender_limit_action = alert (the default) must not let the events role invoke a function."
  }
}

run "the_dashboard_shows_what_the_reports_say_when_there_are_reports" {
  command = plan

  module {
    source = "./modules/events"
  }

  variables {
    reports_widget_enabled = true
  }

  assert {
    condition     = length([for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : w if startswith(w.properties.title, "DMARC and TLS reports")]) == 1
    error_message = "With report addresses the dashboard shows what the reports say."
  }
}

run "no_reports_widget_without_reports" {
  command = plan

  module {
    source = "./modules/events"
  }

  assert {
    condition     = length([for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : w if startswith(w.properties.title, "DMARC and TLS reports")]) == 0
    error_message = "Without report addresses the dashboard draws no empty reports widget."
  }
}

run "the_send_quota_alarms_watch_each_reading_at_the_levels_given" {
  command = plan

  module {
    source = "./modules/events"
  }

  variables {
    send_quota_alarm_thresholds = [0.8, 0.95]
    send_quota_period_seconds   = 900
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.send_quota["send-quota-warning"].threshold == 80 && aws_cloudwatch_metric_alarm.send_quota["send-quota-critical"].threshold == 95
    error_message = "The send-quota alarms must fire at the levels given, as percent (the reading publishes percent used)."
  }
  assert {
    condition = alltrue([for alarm in aws_cloudwatch_metric_alarm.send_quota :
    alarm.namespace == "SesSmtp" && alarm.metric_name == "SendQuotaUsed" && alarm.period == 900 && alarm.evaluation_periods == 1])
    error_message = "The alarms must judge each reading of the metric the credentials function publishes, one period a reading."
  }
}

run "without_send_quota_levels_there_are_no_send_quota_alarms" {
  command = plan

  module {
    source = "./modules/events"
  }

  variables {
    send_quota_alarm_thresholds = []
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.send_quota) == 0
    error_message = "send_quota_alarm_enabled = false (no levels) must remove both send-quota alarms."
  }
}
