# modules/credentials on its own: the sender boundary, the credentials function's policy, the
# retire schedule and the administrators' policy, as the real provider renders them. No AWS call is made:
# `make test-terraform` sets fake credentials, and every data source and computed ARN the policies need
# is pinned with an override. The function's runtime settings are tests/function.tftest.hcl's.
provider "aws" {
  region                      = "eu-west-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variables {
  name_prefix                               = "ses-smtp"
  domain                                    = "example.com"
  identity_arn                              = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
  configuration_set_arn                     = "arn:aws:ses:eu-west-1:123456789012:configuration-set/ses-smtp"
  configuration_set_name                    = "ses-smtp"
  table_name                                = "ses-smtp-credentials"
  layer_arn                                 = "arn:aws:lambda:eu-west-1:123456789012:layer:ses-smtp-dependencies:1"
  kms_key_arn                               = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  lambda_package_dir                        = "functions/dist"
  lambda_runtime                            = "python3.13"
  log_retention_days                        = 365
  credentials_function_reserved_concurrency = 2
  rotation_schedule_expression              = "rate(1 day)"
  schedule_dead_letter_queue_arn            = "arn:aws:sqs:eu-west-1:123456789012:ses-smtp-events-dlq"
  default_retire_after_days                 = 7
  max_credential_age_days                   = 90
  unused_sender_days                        = 30
  tags                                      = {}
  send_quota_schedule_expression            = "rate(15 minutes)"
}

override_data {
  target          = data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

override_data {
  target          = module.credentials_function.data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

override_resource {
  target          = aws_iam_group.senders
  override_during = plan
  values          = { arn = "arn:aws:iam::123456789012:group/ses-smtp/ses-smtp-senders" }
}

override_resource {
  target          = aws_iam_policy.sender_boundary
  override_during = plan
  values          = { arn = "arn:aws:iam::123456789012:policy/ses-smtp/ses-smtp-sender-boundary" }
}

override_resource {
  target          = module.credentials_function.aws_iam_role.this
  override_during = plan
  values          = { arn = "arn:aws:iam::123456789012:role/ses-smtp-credentials" }
}

override_resource {
  target          = module.credentials_function.aws_lambda_function.this
  override_during = plan
  values          = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:ses-smtp-credentials" }
}

run "the_credentials_function_can_only_create_users_that_carry_the_boundary" {
  command = plan

  module {
    source = "./modules/credentials"
  }

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.credentials_function.json).Statement : s
      if contains(flatten([s.Action]), "iam:CreateUser")
    ]).Condition.StringEquals["iam:PermissionsBoundary"] == "arn:aws:iam::123456789012:policy/ses-smtp/ses-smtp-sender-boundary"
    error_message = "iam:CreateUser must require the sender permissions boundary."
  }
  assert {
    condition = alltrue([
      for s in jsondecode(data.aws_iam_policy_document.credentials_function.json).Statement :
      alltrue([for r in flatten([s.Resource]) : r == "arn:aws:iam::123456789012:user/ses-smtp/senders/*"])
      if length([for a in flatten([s.Action]) : a if startswith(a, "iam:") && a != "iam:RemoveUserFromGroup"]) > 0
    ])
    error_message = "Every IAM user action of the credentials function must be limited to the senders path."
  }
  assert {
    condition = length([
      for s in jsondecode(data.aws_iam_policy_document.credentials_function.json).Statement : s
      if anytrue([for a in flatten([s.Action]) : can(regex("^iam:(AddUserToGroup|Attach|PutGroup|PutRole|PutUserPermissionsBoundary|DeleteUserPermissionsBoundary|CreatePolicy|\\*)", a))])
    ]) == 0
    error_message = "The credentials function may not add anyone to a group, attach policies or change a boundary."
  }
  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.credentials_function.json).Statement : s
      if contains(flatten([s.Action]), "iam:RemoveUserFromGroup")
    ]).Resource == "arn:aws:iam::123456789012:group/ses-smtp/ses-smtp-senders"
    error_message = "The credentials function may only take users out of the deprecated senders group."
  }
}

run "the_credentials_function_puts_only_inline_from_policies_on_senders" {
  command = plan

  module {
    source = "./modules/credentials"
  }

  assert {
    condition = toset(one([
      for s in jsondecode(data.aws_iam_policy_document.credentials_function.json).Statement : s
      if contains(flatten([s.Action]), "iam:PutUserPolicy")
    ]).Action) == toset(["iam:DeleteUserPolicy", "iam:GetUserPolicy", "iam:PutUserPolicy"])
    error_message = "The from-policy statement must allow only Put/Get/DeleteUserPolicy."
  }
  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.credentials_function.json).Statement : s
      if contains(flatten([s.Action]), "iam:PutUserPolicy")
    ]).Resource == "arn:aws:iam::123456789012:user/ses-smtp/senders/*"
    error_message = "The credentials function may put a policy only on users under the senders path."
  }
  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.credentials_function.json).Statement : s
      if contains(flatten([s.Action]), "iam:TagUser")
    ]).Condition["ForAllValues:StringEquals"]["aws:TagKeys"] == "ses-smtp-sender"
    error_message = "The only tag the credentials function sets is the sender's name."
  }
}

run "the_writer_cannot_decrypt" {
  command = plan

  module {
    source = "./modules/credentials"
  }

  assert {
    condition = length([
      for s in jsondecode(data.aws_iam_policy_document.credentials_function.json).Statement : s
      if s.Effect == "Allow" && anytrue([for a in flatten([s.Action]) : contains(["kms:Decrypt", "kms:*"], a)])
    ]) == 0
    error_message = "The credentials function's role must not allow kms:Decrypt."
  }
  assert {
    condition = length([
      for s in jsondecode(data.aws_iam_policy_document.credentials_function.json).Statement : s
      if s.Effect == "Deny" && contains(flatten([s.Action]), "kms:Decrypt")
    ]) == 1
    error_message = "The credentials function's role must explicitly deny kms:Decrypt."
  }
  assert {
    condition = toset(flatten([one([
      for s in jsondecode(data.aws_iam_policy_document.credentials_function.json).Statement : s if s.Sid == "NeverReadPasswords"
    ]).Action])) == toset(["kms:Decrypt", "kms:ReEncrypt*", "kms:CreateGrant"])
    error_message = "The credentials function's role must deny Decrypt, ReEncrypt and CreateGrant (an existing key may delegate to IAM)."
  }
}

run "senders_may_only_send_as_their_granted_addresses" {
  command = plan

  module {
    source = "./modules/credentials"
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.sender_boundary.json).Statement[0].Action == "ses:SendRawEmail"
    error_message = "The sender boundary must allow nothing but ses:SendRawEmail."
  }
  assert {
    condition = toset(jsondecode(data.aws_iam_policy_document.sender_boundary.json).Statement[0].Resource) == toset([
      "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
      "arn:aws:ses:eu-west-1:123456789012:configuration-set/ses-smtp",
    ])
    error_message = "The boundary must cap senders at this module's identity and configuration set."
  }
  assert {
    condition     = length(jsondecode(data.aws_iam_policy_document.sender_boundary.json).Statement) == 1
    error_message = "The boundary must have one statement: a second could widen what senders may do."
  }
}

run "the_schedule_can_only_ask_the_credentials_function_to_retire_keys" {
  command = plan

  module {
    source = "./modules/credentials"
  }

  assert {
    condition     = aws_scheduler_schedule.rotation.schedule_expression == "rate(1 day)"
    error_message = "Retirement must run daily by default."
  }
  assert {
    condition     = one(aws_scheduler_schedule.rotation.target).arn == "arn:aws:lambda:eu-west-1:123456789012:function:ses-smtp-credentials"
    error_message = "The schedule must start the credentials function."
  }
  assert {
    condition     = jsondecode(one(aws_scheduler_schedule.rotation.target).input).action == "retire"
    error_message = "The schedule must send the fixed retire request."
  }
  assert {
    condition     = jsondecode(one(aws_scheduler_schedule.rotation.target).input).correlation_id == "<aws.scheduler.execution-id>"
    error_message = "Each run must carry Scheduler's execution id as its correlation id."
  }
  assert {
    condition     = jsondecode(data.aws_iam_policy_document.scheduler.json).Statement[0].Resource == "arn:aws:lambda:eu-west-1:123456789012:function:ses-smtp-credentials" && jsondecode(data.aws_iam_policy_document.scheduler.json).Statement[0].Action == "lambda:InvokeFunction"
    error_message = "The scheduler's role may only invoke the credentials function."
  }
  assert {
    condition     = one(one(aws_scheduler_schedule.rotation.target).dead_letter_config).arn == "arn:aws:sqs:eu-west-1:123456789012:ses-smtp-events-dlq"
    error_message = "A run Scheduler cannot start must land in a dead-letter queue."
  }
  assert {
    condition = toset(flatten([jsondecode(data.aws_iam_policy_document.scheduler_assume.json).Statement[0].Condition.ArnEquals["aws:SourceArn"]])) == toset([
      "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/ses-smtp-rotation",
      "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/ses-smtp-send-quota",
    ])
    error_message = "Only this deployment's two schedules may assume the scheduler's role."
  }
}

run "administrators_read_the_health_view_of_this_deployment_only" {
  command = plan

  module {
    source = "./modules/credentials"
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(data.aws_iam_policy_document.administrators.json).Statement : [
        for r in flatten([s.Resource]) : r == "arn:aws:ses:eu-west-1:123456789012:configuration-set/ses-smtp" || strcontains(r, ":ses-smtp-")
      ] if s.Sid == "ReadThisDeploymentsHealth"
    ]))
    error_message = "ses-smtp status reads this deployment's configuration set, queues, alarms and function, nothing else."
  }
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(data.aws_iam_policy_document.administrators.json).Statement : [
        for a in flatten([s.Action]) : can(regex(":(Get|List|Describe)", a))
      ] if startswith(s.Sid, "Read") && s.Sid != "ReadPasswords" && s.Sid != "ReadSenderRecords"
    ]))
    error_message = "The health view's statements only read."
  }
}

run "bounce_history_is_read_by_sender_through_an_index" {
  command = plan

  module {
    source = "./modules/credentials"
  }

  assert {
    condition = anytrue([for statement in jsondecode(data.aws_iam_policy_document.administrators.json).Statement :
    statement.Sid == "ReadSenderRecords" && contains(flatten([statement.Resource]), "arn:aws:dynamodb:eu-west-1:123456789012:table/ses-smtp-credentials/index/by-sender")])
    error_message = "Administrators must be able to query the by-sender index."
  }
}

run "rotation_notices_are_off_by_default_and_the_role_cannot_send" {
  command = plan

  module {
    source = "./modules/credentials"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(data.aws_iam_policy_document.credentials_function.json).Statement :
      !contains(flatten([s.Action]), "ses:SendEmail")
    ])
    error_message = "Without rotation_notices_enabled the credentials function must not be able to send mail."
  }
  assert {
    condition     = local.function_environment.NOTICES_FROM == ""
    error_message = "Without rotation_notices_enabled the function must send no notices."
  }
}

run "rotation_notices_are_sent_only_from_the_notices_address" {
  command = plan

  module {
    source = "./modules/credentials"
  }

  variables {
    rotation_notices_enabled = true
    rotation_notices_from    = "no-reply@example.com"
  }

  assert {
    condition = [
      for s in jsondecode(data.aws_iam_policy_document.credentials_function.json).Statement : s
      if contains(flatten([s.Action]), "ses:SendEmail")
      ] == [{
        Sid       = "SendRotationNotices"
        Effect    = "Allow"
        Action    = "ses:SendEmail"
        Resource  = ["arn:aws:ses:eu-west-1:123456789012:identity/example.com", "arn:aws:ses:eu-west-1:123456789012:configuration-set/ses-smtp"]
        Condition = { StringEquals = { "ses:FromAddress" = "no-reply@example.com" } }
    }]
    error_message = "The credentials function may send only ses:SendEmail, From the notices address, as this identity through this configuration set."
  }
  assert {
    condition = (
      local.function_environment.NOTICES_FROM == "no-reply@example.com" &&
      local.function_environment.CONFIGURATION_SET_NAME == "ses-smtp"
    )
    error_message = "The function must get the notices address and the configuration set to send through."
  }
}

run "the_send_quota_is_read_by_the_credentials_function_on_its_schedule" {
  command = plan

  module {
    source = "./modules/credentials"
  }

  assert {
    condition     = aws_scheduler_schedule.send_quota[0].schedule_expression == "rate(15 minutes)" && jsondecode(one(aws_scheduler_schedule.send_quota[0].target).input).action == "send_quota"
    error_message = "The quota must be read on the schedule given, with the fixed send_quota request."
  }
  assert {
    condition     = one(aws_scheduler_schedule.send_quota[0].target).arn == "arn:aws:lambda:eu-west-1:123456789012:function:ses-smtp-credentials"
    error_message = "The reading runs in the credentials function, whose errors alarm already exists."
  }
  assert {
    condition = [
      for s in jsondecode(data.aws_iam_policy_document.credentials_function.json).Statement : s
      if contains(flatten([s.Action]), "ses:GetAccount")
    ] == [{ Sid = "ReadTheSendQuota", Effect = "Allow", Action = "ses:GetAccount", Resource = "*" }]
    error_message = "The credentials role reads the quota with ses:GetAccount alone (it takes no resource), and nothing more."
  }
}

run "without_the_send_quota_reading_no_schedule_or_permission" {
  command = plan

  module {
    source = "./modules/credentials"
  }

  variables {
    send_quota_schedule_expression = null
  }

  assert {
    condition     = length(aws_scheduler_schedule.send_quota) == 0
    error_message = "Without a send-quota schedule expression there must be no reading schedule."
  }
  assert {
    condition = alltrue([
      for s in jsondecode(data.aws_iam_policy_document.credentials_function.json).Statement : !contains(flatten([s.Action]), "ses:GetAccount")
    ])
    error_message = "Without the reading the credentials role must not read the account."
  }
  assert {
    condition     = jsondecode(data.aws_iam_policy_document.scheduler_assume.json).Statement[0].Condition.ArnEquals["aws:SourceArn"] == "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/ses-smtp-rotation"
    error_message = "Without the reading only the rotation schedule may assume the scheduler's role."
  }
}
