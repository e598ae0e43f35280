# modules/events on its own: SES event destinations, the SNS -> SQS -> function pipeline and the events
# function's permissions (its alarms are tests/monitoring.tftest.hcl's). The real provider renders the
# IAM JSON (no AWS call: fake credentials, and the one data source that would call STS is pinned).
provider "aws" {
  region                      = "eu-west-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variables {
  name_prefix                          = "ses-smtp"
  configuration_set_name               = "ses-smtp"
  configuration_set_arn                = "arn:aws:ses:eu-west-1:123456789012:configuration-set/ses-smtp"
  kms_key_arn                          = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  table_name                           = "ses-smtp-credentials"
  lambda_package_dir                   = "functions/dist"
  layer_arn                            = "arn:aws:lambda:eu-west-1:123456789012:layer:ses-smtp-dependencies:1"
  lambda_runtime                       = "python3.13"
  log_retention_days                   = 365
  events_function_reserved_concurrency = 2
  recipient_address_logging_enabled    = false
  sender_limit_action                  = "alert"
  credentials_function_name            = "ses-smtp-credentials"
  tags                                 = {}
  sender_limits                        = { per_hour = 200, per_day = 1000, max_bounce_rate = 0.1, max_complaint_rate = 0.01, min_volume = 20 }
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
