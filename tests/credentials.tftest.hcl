# IAM and KMS as rendered by the real provider (policy documents are computed locally). No AWS call
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

run "the_credentials_function_can_only_create_users_that_carry_the_boundary" {
  command = plan

  assert {
    condition = one([
      for s in jsondecode(module.credentials.credentials_role_policy_json).Statement : s
      if contains(flatten([s.Action]), "iam:CreateUser")
    ]).Condition.StringEquals["iam:PermissionsBoundary"] == "arn:aws:iam::123456789012:policy/ses-smtp/ses-smtp-sender-boundary"
    error_message = "iam:CreateUser must require the sender permissions boundary."
  }
  assert {
    condition = alltrue([
      for s in jsondecode(module.credentials.credentials_role_policy_json).Statement :
      alltrue([for r in flatten([s.Resource]) : r == "arn:aws:iam::123456789012:user/ses-smtp/senders/*"])
      if length([for a in flatten([s.Action]) : a if startswith(a, "iam:") && a != "iam:RemoveUserFromGroup"]) > 0
    ])
    error_message = "Every IAM user action of the credentials function must be limited to the senders path."
  }
  assert {
    condition = length([
      for s in jsondecode(module.credentials.credentials_role_policy_json).Statement : s
      if anytrue([for a in flatten([s.Action]) : can(regex("^iam:(AddUserToGroup|Attach|PutGroup|PutRole|PutUserPermissionsBoundary|DeleteUserPermissionsBoundary|CreatePolicy|\\*)", a))])
    ]) == 0
    error_message = "The credentials function may not add anyone to a group, attach policies or change a boundary."
  }
  assert {
    condition = one([
      for s in jsondecode(module.credentials.credentials_role_policy_json).Statement : s
      if contains(flatten([s.Action]), "iam:RemoveUserFromGroup")
    ]).Resource == "arn:aws:iam::123456789012:group/ses-smtp/ses-smtp-senders"
    error_message = "The credentials function may only take users out of the deprecated senders group."
  }
}

run "the_credentials_function_puts_only_inline_from_policies_on_senders" {
  command = plan

  assert {
    condition = toset(one([
      for s in jsondecode(module.credentials.credentials_role_policy_json).Statement : s
      if contains(flatten([s.Action]), "iam:PutUserPolicy")
    ]).Action) == toset(["iam:DeleteUserPolicy", "iam:GetUserPolicy", "iam:PutUserPolicy"])
    error_message = "The from-policy statement must allow only Put/Get/DeleteUserPolicy."
  }
  assert {
    condition = one([
      for s in jsondecode(module.credentials.credentials_role_policy_json).Statement : s
      if contains(flatten([s.Action]), "iam:PutUserPolicy")
    ]).Resource == "arn:aws:iam::123456789012:user/ses-smtp/senders/*"
    error_message = "The credentials function may put a policy only on users under the senders path."
  }
  assert {
    condition = one([
      for s in jsondecode(module.credentials.credentials_role_policy_json).Statement : s
      if contains(flatten([s.Action]), "iam:TagUser")
    ]).Condition["ForAllValues:StringEquals"]["aws:TagKeys"] == "ses-smtp-sender"
    error_message = "The only tag the credentials function sets is the sender's name."
  }
}

run "the_writer_cannot_read" {
  command = plan

  assert {
    condition = length([
      for s in jsondecode(module.credentials.credentials_role_policy_json).Statement : s
      if s.Effect == "Allow" && anytrue([for a in flatten([s.Action]) : contains(["kms:Decrypt", "kms:*"], a)])
    ]) == 0
    error_message = "The credentials function's role must not allow kms:Decrypt."
  }
  assert {
    condition = length([
      for s in jsondecode(module.credentials.credentials_role_policy_json).Statement : s
      if s.Effect == "Deny" && contains(flatten([s.Action]), "kms:Decrypt")
    ]) == 1
    error_message = "The credentials function's role must explicitly deny kms:Decrypt."
  }
  assert {
    condition = toset(flatten([one([
      for s in jsondecode(module.credentials.credentials_role_policy_json).Statement : s if s.Sid == "NeverReadPasswords"
    ]).Action])) == toset(["kms:Decrypt", "kms:ReEncrypt*", "kms:CreateGrant"])
    error_message = "The credentials function's role must deny Decrypt, ReEncrypt and CreateGrant (an existing key may delegate to IAM)."
  }
  assert {
    condition = alltrue([
      for s in jsondecode(module.encryption.key_policy_json).Statement :
      !contains(flatten([s.Action]), "kms:Decrypt")
      if try(s.Principal.AWS, "") == "arn:aws:iam::123456789012:role/ses-smtp-credentials"
    ])
    error_message = "The key policy must not let the credentials function decrypt."
  }
}

run "the_key_policy_binds_use_to_the_password_context" {
  command = plan

  assert {
    condition = one([
      for s in jsondecode(module.encryption.key_policy_json).Statement : s if s.Sid == "SesSmtpCredentialsFunctionSealsPasswords"
    ]).Action == "kms:GenerateDataKey"
    error_message = "The credentials function may only GenerateDataKey."
  }
  assert {
    condition = alltrue([
      for s in jsondecode(module.encryption.key_policy_json).Statement :
      s.Condition.StringEquals["kms:EncryptionContext:purpose"] == "ses-smtp-password" &&
      toset(s.Condition["ForAllValues:StringEquals"]["kms:EncryptionContextKeys"]) == toset(["access_key_id", "purpose", "user"])
      if contains(["SesSmtpCredentialsFunctionSealsPasswords", "SesSmtpAdministratorsReadPasswords"], s.Sid)
    ])
    error_message = "Sealing and reading passwords must require the password encryption context."
  }
  assert {
    condition = one([
      for s in jsondecode(module.encryption.key_policy_json).Statement : s if s.Sid == "SesSmtpAdministratorsReadPasswords"
    ]).Principal.AWS == "arn:aws:iam::123456789012:role/platform-admins"
    error_message = "Only admin_principal_arns may decrypt passwords."
  }
  assert {
    condition = alltrue([
      for a in flatten([one([for s in jsondecode(module.encryption.key_policy_json).Statement : s if s.Sid == "KeyAdministration"]).Action]) :
      !strcontains(a, "*") && !contains(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:CreateGrant", "kms:CreateKey"], a)
    ])
    error_message = "Key administration must name its actions one by one (no kms:Create*, kms:Put*, kms:*), with no cryptographic use and no CreateGrant."
  }
  assert {
    condition     = module.encryption.key_arn == "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    error_message = "Without existing_kms_key the module must create its own key."
  }
}

run "the_credentials_role_is_named_by_arn_so_the_statements_need_no_role" {
  command = plan

  assert {
    condition = one([
      for s in jsondecode(module.encryption.key_policy_statements_json).Statement : s if s.Sid == "SesSmtpCredentialsFunctionSealsPasswords"
    ]).Condition.ArnEquals["aws:PrincipalArn"] == "arn:aws:iam::123456789012:role/ses-smtp-credentials"
    error_message = "The key policy must name the credentials role by aws:PrincipalArn, derived from name_prefix (KMS refuses a principal that does not exist yet)."
  }
  assert {
    condition     = module.credentials.credentials_role_arn == "arn:aws:iam::123456789012:role/ses-smtp-credentials"
    error_message = "The derived ARN must be the credentials role's."
  }
}

run "statement_ids_are_unique_per_deployment" {
  command = plan

  variables {
    name_prefix = "mail-b"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(module.encryption.key_policy_statements_json).Statement : startswith(s.Sid, "MailB")
    ])
    error_message = "Every statement a caller adds to a shared key must carry the deployment's name, or source_policy_documents fails with duplicate Sids."
  }
}

run "key_administrators_cannot_become_readers" {
  command = plan

  assert {
    condition = one([
      for s in jsondecode(module.encryption.key_policy_json).Statement : s if s.Sid == "KeyAdministration"
    ]).Principal.AWS == "arn:aws:iam::123456789012:role/terraform"
    error_message = "Without kms_key_administrator_arns, the key administrator must be whoever runs Terraform, never the account root."
  }
  assert {
    condition = alltrue([
      for s in jsondecode(module.encryption.key_policy_json).Statement :
      !anytrue([for p in flatten([try(s.Principal.AWS, [])]) : endswith(p, ":root")])
    ])
    error_message = "No statement of the key policy may name an account root."
  }
  assert {
    condition = one([
      for s in jsondecode(module.encryption.key_policy_json).Statement : s if s.Sid == "SesSmtpPrincipalsGrantOnlyForAwsServices"
      ]) == {
      Sid       = "SesSmtpPrincipalsGrantOnlyForAwsServices"
      Effect    = "Deny"
      Action    = "kms:CreateGrant"
      Resource  = "*"
      Principal = { AWS = "*" }
      Condition = { Bool = { "kms:GrantIsForAWSResource" = "false" } }
    }
    error_message = "The key policy must deny CreateGrant to everyone unless the grant is for an AWS resource."
  }
  assert {
    condition = toset(jsondecode(module.encryption.key_changes_rule.event_pattern).detail.eventName) == toset([
      "CreateGrant", "DeleteAlias", "DisableKey", "DisableKeyRotation", "PutKeyPolicy", "ReplicateKey", "RetireGrant",
      "RevokeGrant", "ScheduleKeyDeletion", "UpdateAlias",
    ])
    error_message = "Changes to the key's policy, grants, rotation and state must be matched."
  }
  assert {
    condition     = jsondecode(module.encryption.key_changes_rule.event_pattern).detail.resources.ARN == ["arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"]
    error_message = "The rule must match this key only."
  }
}

run "service_principals_use_the_key_only_for_this_module" {
  command = plan

  assert {
    condition = one([
      for s in jsondecode(module.encryption.key_policy_json).Statement : s if s.Sid == "SesSmtpDynamoDBEncryptsTheTable"
    ]).Condition.StringEquals["kms:EncryptionContext:aws:dynamodb:tableName"] == "ses-smtp-credentials"
    error_message = "DynamoDB may use the key for the credentials table only."
  }
  assert {
    condition = toset(flatten([one([
      for s in jsondecode(module.encryption.key_policy_json).Statement : s if s.Sid == "SesSmtpServicesPublishToTheModulesTopics"
      ]).Condition.StringEquals["kms:EncryptionContext:aws:sns:topicArn"]])) == toset([
      "arn:aws:sns:eu-west-1:123456789012:ses-smtp-events", "arn:aws:sns:eu-west-1:123456789012:ses-smtp-alerts",
    ])
    error_message = "SES, CloudWatch and EventBridge may use the key for this module's topics only."
  }
}

run "rejects_an_account_root_as_password_reader" {
  command = plan
  variables { admin_principal_arns = ["arn:aws:iam::123456789012:root"] }
  expect_failures = [var.admin_principal_arns]
}

run "rejects_an_account_root_as_key_administrator" {
  command = plan
  variables { kms_key_administrator_arns = ["arn:aws:iam::123456789012:root"] }
  expect_failures = [var.kms_key_administrator_arns]
}

run "senders_may_only_send_as_their_granted_addresses" {
  command = plan

  assert {
    condition     = jsondecode(module.credentials.sender_boundary_policy_json).Statement[0].Action == "ses:SendRawEmail"
    error_message = "The sender boundary must allow nothing but ses:SendRawEmail."
  }
  assert {
    condition = toset(jsondecode(module.credentials.sender_boundary_policy_json).Statement[0].Resource) == toset([
      "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
      "arn:aws:ses:eu-west-1:123456789012:configuration-set/ses-smtp",
    ])
    error_message = "The boundary must cap senders at this module's identity and configuration set."
  }
  assert {
    condition     = length(jsondecode(module.credentials.sender_boundary_policy_json).Statement) == 1
    error_message = "The boundary must have one statement: a second could widen what senders may do."
  }
}

run "the_table_is_on_demand_encrypted_recoverable_and_protected" {
  command = plan

  assert {
    condition     = module.credentials.table.billing_mode == "PAY_PER_REQUEST"
    error_message = "The table must be on-demand."
  }
  assert {
    condition     = one(module.credentials.table.point_in_time_recovery).enabled
    error_message = "Point-in-time recovery must be on."
  }
  assert {
    condition     = one(module.credentials.table.server_side_encryption).kms_key_arn == "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    error_message = "The table must be encrypted with the module's key."
  }
  assert {
    condition     = module.credentials.table.deletion_protection_enabled
    error_message = "Deletion protection must be on by default."
  }
}

run "only_the_two_functions_write_table_items" {
  command = plan

  assert {
    condition = jsondecode(module.credentials.table_policy_json).Statement[0].Effect == "Deny" && toset(
      jsondecode(module.credentials.table_policy_json).Statement[0].Condition.ArnNotEquals["aws:PrincipalArn"]
    ) == toset(["arn:aws:iam::123456789012:role/ses-smtp-credentials", "arn:aws:iam::123456789012:role/ses-smtp-events"])
    error_message = "The table policy must deny item writes to everyone but the two function roles."
  }
  assert {
    condition = alltrue([for a in flatten([jsondecode(module.credentials.table_policy_json).Statement[0].Action]) :
    !contains(["dynamodb:UpdateTable", "dynamodb:DeleteTable", "dynamodb:PutResourcePolicy", "dynamodb:DeleteResourcePolicy", "dynamodb:*"], a)])
    error_message = "The table policy must not lock Terraform or administrators out of managing the table."
  }
}

run "functions_are_arm64_traced_reserved_and_logged" {
  command = plan

  assert {
    condition = alltrue([
      for f in [module.credentials.credentials_function] :
      one(f.architectures) == "arm64" && f.runtime == "python3.13" && one(f.tracing_config).mode == "Active"
    ])
    error_message = "Functions must be arm64, python3.13, with X-Ray Active tracing."
  }
  assert {
    condition     = module.credentials.credentials_function.reserved_concurrent_executions == 2
    error_message = "Functions must have reserved concurrency."
  }
}

run "function_log_levels_are_pinned_so_debug_cannot_leak_secrets" {
  command = plan

  assert {
    condition = (
      one(module.credentials.credentials_function.logging_config).application_log_level == "INFO" &&
      one(module.credentials.credentials_function.logging_config).system_log_level == "WARN"
    )
    error_message = "A console change to DEBUG would write botocore's response bodies (secret keys) to the logs."
  }
}

run "the_schedule_can_only_ask_the_credentials_function_to_retire_keys" {
  command = plan

  assert {
    condition     = module.credentials.rotation_schedule.schedule_expression == "rate(1 day)"
    error_message = "Retirement must run daily by default."
  }
  assert {
    condition     = one(module.credentials.rotation_schedule.target).arn == "arn:aws:lambda:eu-west-1:123456789012:function:ses-smtp-credentials"
    error_message = "The schedule must start the credentials function."
  }
  assert {
    condition     = jsondecode(one(module.credentials.rotation_schedule.target).input).action == "retire"
    error_message = "The schedule must send the fixed retire request."
  }
  assert {
    condition     = jsondecode(one(module.credentials.rotation_schedule.target).input).correlation_id == "<aws.scheduler.execution-id>"
    error_message = "Each run must carry Scheduler's execution id as its correlation id."
  }
  assert {
    condition     = jsondecode(module.credentials.scheduler_role_policy_json).Statement[0].Resource == "arn:aws:lambda:eu-west-1:123456789012:function:ses-smtp-credentials" && jsondecode(module.credentials.scheduler_role_policy_json).Statement[0].Action == "lambda:InvokeFunction"
    error_message = "The scheduler's role may only invoke the credentials function."
  }
  assert {
    condition     = one(one(module.credentials.rotation_schedule.target).dead_letter_config).arn == "arn:aws:sqs:eu-west-1:123456789012:ses-smtp-events-dlq"
    error_message = "A run Scheduler cannot start must land in a dead-letter queue."
  }
  assert {
    condition = toset(flatten([jsondecode(module.credentials.scheduler_assume_role_policy_json).Statement[0].Condition.ArnEquals["aws:SourceArn"]])) == toset([
      "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/ses-smtp-rotation",
      "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/ses-smtp-send-quota",
    ])
    error_message = "Only this deployment's two schedules may assume the scheduler's role."
  }
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

run "an_existing_key_replaces_the_created_one" {
  command = plan

  variables {
    existing_kms_key = { arn = "arn:aws:kms:eu-west-1:123456789012:key/99999999-2222-3333-4444-555555555555" }
  }

  assert {
    condition     = module.encryption.key_arn == "arn:aws:kms:eu-west-1:123456789012:key/99999999-2222-3333-4444-555555555555"
    error_message = "existing_kms_key must be used as given."
  }
  assert {
    condition     = one(module.credentials.table.server_side_encryption).kms_key_arn == "arn:aws:kms:eu-west-1:123456789012:key/99999999-2222-3333-4444-555555555555"
    error_message = "The table must use the given key."
  }
}

run "administrators_read_the_health_view_of_this_deployment_only" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(output.administrators_policy_json).Statement : [
        for r in flatten([s.Resource]) : r == "arn:aws:ses:eu-west-1:123456789012:configuration-set/ses-smtp" || strcontains(r, ":ses-smtp-")
      ] if s.Sid == "ReadThisDeploymentsHealth"
    ]))
    error_message = "ses-smtp status reads this deployment's configuration set, queues, alarms and function, nothing else."
  }
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(output.administrators_policy_json).Statement : [
        for a in flatten([s.Action]) : can(regex(":(Get|List|Describe)", a))
      ] if startswith(s.Sid, "Read") && s.Sid != "ReadPasswords" && s.Sid != "ReadSenderRecords"
    ]))
    error_message = "The health view's statements only read."
  }
}

run "bounce_history_is_read_by_sender_through_an_index" {
  command = plan

  assert {
    condition = anytrue([for index in module.credentials.table.global_secondary_index :
    index.name == "by-sender" && index.hash_key == "history_sender" && index.range_key == "history_at" && index.projection_type == "ALL"])
    error_message = "The table must have the by-sender index that `ses-smtp events --sender` queries."
  }
  assert {
    condition = anytrue([for statement in jsondecode(output.administrators_policy_json).Statement :
    statement.Sid == "ReadSenderRecords" && contains(flatten([statement.Resource]), "arn:aws:dynamodb:eu-west-1:123456789012:table/ses-smtp-credentials/index/by-sender")])
    error_message = "Administrators must be able to query the by-sender index."
  }
}

run "rotation_notices_are_off_by_default_and_the_role_cannot_send" {
  command = plan

  assert {
    condition = alltrue([
      for s in jsondecode(module.credentials.credentials_role_policy_json).Statement :
      !contains(flatten([s.Action]), "ses:SendEmail")
    ])
    error_message = "Without rotation_notices_from the credentials function must not be able to send mail."
  }
  assert {
    condition     = one(module.credentials.credentials_function.environment).variables.NOTICES_FROM == ""
    error_message = "Without rotation_notices_from the function must send no notices."
  }
}

run "rotation_notices_are_sent_only_from_the_notices_address" {
  command = plan

  variables {
    rotation_notices_from = "no-reply@example.com"
  }

  assert {
    condition = [
      for s in jsondecode(module.credentials.credentials_role_policy_json).Statement : s
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
      one(module.credentials.credentials_function.environment).variables.NOTICES_FROM == "no-reply@example.com" &&
      one(module.credentials.credentials_function.environment).variables.CONFIGURATION_SET_NAME == "ses-smtp"
    )
    error_message = "The function must get the notices address and the configuration set to send through."
  }
}
