# modules/monitoring on its own: every alarm of the deployment, the alerts topic they notify and the
# dashboard. The real provider renders the topic's policy (no AWS call: fake credentials, and the one
# data source that would call STS is pinned).
provider "aws" {
  region                      = "eu-west-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variables {
  name_prefix                     = "ses-smtp"
  kms_key_arn                     = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  alert_emails                    = []
  bounce_rate_alarm_thresholds    = { warning = 0.02, critical = 0.04 }
  complaint_rate_alarm_thresholds = { warning = 0.0004, critical = 0.0008 }
  sender_limit_action             = "alert"
  sender_limit_alarm_enabled      = true
  events_queue_name               = "ses-smtp-events"
  events_dead_letter_queue_name   = "ses-smtp-events-dlq"
  tags                            = {}
  function_names                  = { credentials = "ses-smtp-credentials", events = "ses-smtp-events" }
}

override_data {
  target          = data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

run "reputation_alarms_fire_at_the_thresholds_given" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  variables {
    bounce_rate_alarm_thresholds    = { warning = 0.03, critical = 0.045 }
    complaint_rate_alarm_thresholds = { warning = 0.0005, critical = 0.0009 }
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
    source = "./modules/monitoring"
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
    source = "./modules/monitoring"
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
    source = "./modules/monitoring"
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

run "the_dashboard_shows_what_the_reports_say_when_there_are_reports" {
  command = plan

  module {
    source = "./modules/monitoring"
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
    source = "./modules/monitoring"
  }

  assert {
    condition     = length([for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : w if startswith(w.properties.title, "DMARC and TLS reports")]) == 0
    error_message = "Without report addresses the dashboard draws no empty reports widget."
  }
}

run "the_send_quota_alarms_watch_each_reading_at_80_and_95_percent" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.send_quota["send-quota-warning"].threshold == 80 && aws_cloudwatch_metric_alarm.send_quota["send-quota-critical"].threshold == 95
    error_message = "The send-quota alarms must default to 80% and 95%, as percent (the reading publishes percent used)."
  }
  assert {
    condition = alltrue([for alarm in aws_cloudwatch_metric_alarm.send_quota :
    alarm.namespace == "SesSmtp" && alarm.metric_name == "SendQuotaUsed" && alarm.period == 900 && alarm.evaluation_periods == 1])
    error_message = "The alarms must judge each reading of the metric the credentials function publishes, one period a reading."
  }
}

run "the_send_quota_alarm_switched_off_leaves_no_send_quota_alarm" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  variables {
    send_quota_alarm_enabled = false
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.send_quota) == 0
    error_message = "send_quota_alarm_enabled = false must remove both send-quota alarms."
  }
}

run "received_mail_that_cannot_be_forwarded_raises_one_alarm" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  variables {
    receiving = {
      function_name          = "ses-smtp-forwarding"
      dead_letter_queue_name = "ses-smtp-forwarding-dlq"
      bucket_name            = "ses-smtp-rx-123456789012-eu-west-1"
      reports_enabled        = false
    }
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.received_mail_dead_letters[0].alarm_name == "ses-smtp-forwarding-dead-letters" &&
      aws_cloudwatch_metric_alarm.received_mail_dead_letters[0].dimensions == tomap({ QueueName = "ses-smtp-forwarding-dlq" }) &&
      aws_cloudwatch_metric_alarm.received_mail_dead_letters[0].threshold == 0
    )
    error_message = "One dead letter of the forwarding function must raise its alarm."
  }
}

run "no_receiving_alarm_without_receiving" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.received_mail_dead_letters) == 0
    error_message = "Without receiving there is no queue to watch."
  }
}
