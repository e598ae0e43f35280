# The send-quota alarm across the root module (the credentials schedule, the events alarms), IAM as
# rendered by the real provider (policy documents are computed locally). No AWS call
# is made: `make test-terraform` sets fake credentials in the environment, and every data source and
# computed ARN the policies need is pinned with an override.
provider "aws" {
  region                      = "eu-west-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

provider "aws" {
  alias                       = "us_east_1"
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variables {
  domain               = "example.com"
  admin_principal_arns = ["arn:aws:iam::123456789012:role/platform-admins"]
}

override_data {
  target          = module.encryption.data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012", arn = "arn:aws:sts::123456789012:assumed-role/terraform/ci" }
}

override_data {
  target          = module.encryption.data.aws_iam_session_context.deployer
  override_during = plan
  values          = { issuer_arn = "arn:aws:iam::123456789012:role/terraform" }
}

override_data {
  target          = module.credentials.data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

override_data {
  target          = module.credentials.module.credentials_function.data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

override_data {
  target          = module.events.data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

override_data {
  target          = module.events.module.function.data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

override_resource {
  target          = module.sending_domain.aws_sesv2_email_identity.this
  override_during = plan
  values = {
    arn                     = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
    dkim_signing_attributes = { tokens = ["a", "b", "c"], next_signing_key_length = "RSA_2048_BIT" }
  }
}

override_resource {
  target          = module.sending_domain.aws_sesv2_configuration_set.this
  override_during = plan
  values          = { arn = "arn:aws:ses:eu-west-1:123456789012:configuration-set/ses-smtp" }
}

override_resource {
  target          = module.encryption.aws_kms_key.this[0]
  override_during = plan
  values          = { arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555" }
}

override_resource {
  target          = module.credentials.aws_dynamodb_table.this
  override_during = plan
  values          = { arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/ses-smtp-credentials" }
}

override_resource {
  target          = module.credentials.aws_iam_group.senders
  override_during = plan
  values          = { arn = "arn:aws:iam::123456789012:group/ses-smtp/ses-smtp-senders" }
}

override_resource {
  target          = module.credentials.aws_iam_policy.sender_boundary
  override_during = plan
  values          = { arn = "arn:aws:iam::123456789012:policy/ses-smtp/ses-smtp-sender-boundary" }
}

override_resource {
  target          = module.credentials.module.credentials_function.aws_iam_role.this
  override_during = plan
  values          = { arn = "arn:aws:iam::123456789012:role/ses-smtp-credentials" }
}

override_resource {
  target          = module.events.aws_sqs_queue.dead_letter
  override_during = plan
  values          = { arn = "arn:aws:sqs:eu-west-1:123456789012:ses-smtp-events-dlq" }
}

override_resource {
  target          = module.events.module.function.aws_iam_role.this
  override_during = plan
  values          = { arn = "arn:aws:iam::123456789012:role/ses-smtp-events" }
}

override_resource {
  target          = module.credentials.module.credentials_function.aws_lambda_function.this
  override_during = plan
  values          = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:ses-smtp-credentials" }
}

run "the_send_quota_is_read_every_15_minutes_and_alarmed_at_80_and_95_percent" {
  command = plan

  assert {
    condition     = module.credentials.send_quota_schedule.schedule_expression == "rate(15 minutes)" && jsondecode(one(module.credentials.send_quota_schedule.target).input).action == "send_quota"
    error_message = "The quota must be read every 15 minutes with the fixed send_quota request (a daily run is too slow for a quota)."
  }
  assert {
    condition     = one(module.credentials.send_quota_schedule.target).arn == "arn:aws:lambda:eu-west-1:123456789012:function:ses-smtp-credentials"
    error_message = "The reading runs in the credentials function, whose errors alarm already exists."
  }
  assert {
    condition     = module.events.alarm_thresholds["send-quota-warning"] == 80 && module.events.alarm_thresholds["send-quota-critical"] == 95
    error_message = "The send-quota alarms must default to 80% and 95% of the quota."
  }
  assert {
    condition     = contains(module.events.alarm_metrics, "SesSmtp/SendQuotaUsed")
    error_message = "The alarms must watch the metric the reading publishes."
  }
  assert {
    condition = [
      for s in jsondecode(module.credentials.credentials_role_policy_json).Statement : s
      if contains(flatten([s.Action]), "ses:GetAccount")
    ] == [{ Sid = "ReadTheSendQuota", Effect = "Allow", Action = "ses:GetAccount", Resource = "*" }]
    error_message = "The credentials role reads the quota with ses:GetAccount alone (it takes no resource), and nothing more."
  }
}

run "the_send_quota_alarm_switched_off_leaves_no_schedule_alarm_or_permission" {
  command = plan

  variables {
    send_quota_alarm_enabled = false
  }

  assert {
    condition     = module.credentials.send_quota_schedule == null
    error_message = "send_quota_alarm_enabled = false must remove the reading's schedule."
  }
  assert {
    condition     = length([for name in keys(module.events.alarm_thresholds) : name if startswith(name, "send-quota-")]) == 0
    error_message = "send_quota_alarm_enabled = false must remove both send-quota alarms."
  }
  assert {
    condition = alltrue([
      for s in jsondecode(module.credentials.credentials_role_policy_json).Statement : !contains(flatten([s.Action]), "ses:GetAccount")
    ])
    error_message = "Without the reading the credentials role must not read the account."
  }
  assert {
    condition     = jsondecode(module.credentials.scheduler_assume_role_policy_json).Statement[0].Condition.ArnEquals["aws:SourceArn"] == "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/ses-smtp-rotation"
    error_message = "Without the reading only the rotation schedule may assume the scheduler's role."
  }
}
