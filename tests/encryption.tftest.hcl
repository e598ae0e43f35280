# modules/encryption on its own: the key policy as the real provider renders it (no AWS call: fake
# credentials, and the data sources that would call STS are pinned), and the key-change alert.
provider "aws" {
  region                      = "eu-west-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variables {
  name_prefix                     = "ses-smtp"
  kms_key_administrator_arns      = []
  credentials_role_name           = "ses-smtp-credentials"
  admin_principal_arns            = ["arn:aws:iam::123456789012:role/platform-admins"]
  table_name                      = "ses-smtp-credentials"
  topic_names                     = ["ses-smtp-events", "ses-smtp-alerts"]
  alerts_topic_arn                = "arn:aws:sns:eu-west-1:123456789012:ses-smtp-alerts"
  log_group_name_prefix           = "/aws/lambda/ses-smtp-"
  kms_key_deletion_window_in_days = 30
  tags                            = {}
}

override_data {
  target          = data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012", arn = "arn:aws:sts::123456789012:assumed-role/terraform/ci" }
}

override_data {
  target          = data.aws_iam_session_context.deployer
  override_during = plan
  values          = { issuer_arn = "arn:aws:iam::123456789012:role/terraform" }
}

override_resource {
  target          = aws_kms_key.this[0]
  override_during = plan
  values          = { arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555" }
}

run "the_credentials_function_cannot_decrypt" {
  command = plan

  module {
    source = "./modules/encryption"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(data.aws_iam_policy_document.this.json).Statement :
      !contains(flatten([s.Action]), "kms:Decrypt")
      if try(s.Condition.ArnEquals["aws:PrincipalArn"], "") == "arn:aws:iam::123456789012:role/ses-smtp-credentials"
    ])
    error_message = "The key policy must not let the credentials function decrypt."
  }
}

run "the_key_policy_binds_use_to_the_password_context" {
  command = plan

  module {
    source = "./modules/encryption"
  }

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.this.json).Statement : s if s.Sid == "SesSmtpCredentialsFunctionSealsPasswords"
    ]).Action == "kms:GenerateDataKey"
    error_message = "The credentials function may only GenerateDataKey."
  }
  assert {
    condition = alltrue([
      for s in jsondecode(data.aws_iam_policy_document.this.json).Statement :
      s.Condition.StringEquals["kms:EncryptionContext:purpose"] == "ses-smtp-password" &&
      toset(s.Condition["ForAllValues:StringEquals"]["kms:EncryptionContextKeys"]) == toset(["access_key_id", "purpose", "user"])
      if contains(["SesSmtpCredentialsFunctionSealsPasswords", "SesSmtpAdministratorsReadPasswords"], s.Sid)
    ])
    error_message = "Sealing and reading passwords must require the password encryption context."
  }
  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.this.json).Statement : s if s.Sid == "SesSmtpAdministratorsReadPasswords"
    ]).Principal.AWS == "arn:aws:iam::123456789012:role/platform-admins"
    error_message = "Only admin_principal_arns may decrypt passwords."
  }
  assert {
    condition = alltrue([
      for a in flatten([one([for s in jsondecode(data.aws_iam_policy_document.this.json).Statement : s if s.Sid == "KeyAdministration"]).Action]) :
      !strcontains(a, "*") && !contains(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:CreateGrant", "kms:CreateKey"], a)
    ])
    error_message = "Key administration must name its actions one by one (no kms:Create*, kms:Put*, kms:*), with no cryptographic use and no CreateGrant."
  }
  assert {
    condition     = output.key_arn == "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    error_message = "Without existing_kms_key the module must create its own key."
  }
}

run "the_credentials_role_is_named_by_arn_so_the_statements_need_no_role" {
  command = plan

  module {
    source = "./modules/encryption"
  }

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.usage.json).Statement : s if s.Sid == "SesSmtpCredentialsFunctionSealsPasswords"
    ]).Condition.ArnEquals["aws:PrincipalArn"] == "arn:aws:iam::123456789012:role/ses-smtp-credentials"
    error_message = "The key policy must name the credentials role by aws:PrincipalArn, derived from its name (KMS refuses a principal that does not exist yet)."
  }
}

run "statement_ids_are_unique_per_deployment" {
  command = plan

  module {
    source = "./modules/encryption"
  }

  variables {
    name_prefix = "mail-b"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(data.aws_iam_policy_document.usage.json).Statement : startswith(s.Sid, "MailB")
    ])
    error_message = "Every statement a caller adds to a shared key must carry the deployment's name, or source_policy_documents fails with duplicate Sids."
  }
}

run "key_administrators_cannot_become_readers" {
  command = plan

  module {
    source = "./modules/encryption"
  }

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.this.json).Statement : s if s.Sid == "KeyAdministration"
    ]).Principal.AWS == "arn:aws:iam::123456789012:role/terraform"
    error_message = "Without kms_key_administrator_arns, the key administrator must be whoever runs Terraform, never the account root."
  }
  assert {
    condition = alltrue([
      for s in jsondecode(data.aws_iam_policy_document.this.json).Statement :
      !anytrue([for p in flatten([try(s.Principal.AWS, [])]) : endswith(p, ":root")])
    ])
    error_message = "No statement of the key policy may name an account root."
  }
  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.this.json).Statement : s if s.Sid == "SesSmtpPrincipalsGrantOnlyForAwsServices"
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
    condition = toset(jsondecode(aws_cloudwatch_event_rule.key_changes.event_pattern).detail.eventName) == toset([
      "CreateGrant", "DeleteAlias", "DisableKey", "DisableKeyRotation", "PutKeyPolicy", "ReplicateKey", "RetireGrant",
      "RevokeGrant", "ScheduleKeyDeletion", "UpdateAlias",
    ])
    error_message = "Changes to the key's policy, grants, rotation and state must be matched."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.key_changes.event_pattern).detail.resources.ARN == ["arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"]
    error_message = "The rule must match this key only."
  }
}

run "named_key_administrators_replace_the_deployer" {
  command = plan

  module {
    source = "./modules/encryption"
  }

  variables {
    kms_key_administrator_arns = ["arn:aws:iam::123456789012:role/key-admins"]
  }

  assert {
    condition     = one([for s in jsondecode(data.aws_iam_policy_document.this.json).Statement : s if s.Sid == "KeyAdministration"]).Principal.AWS == "arn:aws:iam::123456789012:role/key-admins"
    error_message = "kms_key_administrator_arns, when given, are the key's only administrators."
  }
  assert {
    condition     = output.key_administrator_arns == tolist(["arn:aws:iam::123456789012:role/key-admins"])
    error_message = "The administrators the policy names are returned to the caller."
  }
}

run "service_principals_use_the_key_only_for_this_module" {
  command = plan

  module {
    source = "./modules/encryption"
  }

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.this.json).Statement : s if s.Sid == "SesSmtpDynamoDBEncryptsTheTable"
    ]).Condition.StringEquals["kms:EncryptionContext:aws:dynamodb:tableName"] == "ses-smtp-credentials"
    error_message = "DynamoDB may use the key for the credentials table only."
  }
  assert {
    condition = toset(flatten([one([
      for s in jsondecode(data.aws_iam_policy_document.this.json).Statement : s if s.Sid == "SesSmtpServicesPublishToTheModulesTopics"
      ]).Condition.StringEquals["kms:EncryptionContext:aws:sns:topicArn"]])) == toset([
      "arn:aws:sns:eu-west-1:123456789012:ses-smtp-events", "arn:aws:sns:eu-west-1:123456789012:ses-smtp-alerts",
    ])
    error_message = "SES, CloudWatch and EventBridge may use the key for this module's topics only."
  }
}

run "an_existing_key_is_used_and_none_is_created" {
  command = plan

  module {
    source = "./modules/encryption"
  }

  variables {
    existing_kms_key = { arn = "arn:aws:kms:eu-west-1:123456789012:key/99999999-2222-3333-4444-555555555555" }
  }

  assert {
    condition     = output.key_arn == "arn:aws:kms:eu-west-1:123456789012:key/99999999-2222-3333-4444-555555555555" && length(aws_kms_key.this) == 0
    error_message = "existing_kms_key must be used as given, and no key created."
  }
}

run "without_received_mail_the_key_has_no_statement_for_it" {
  command = plan

  module {
    source = "./modules/encryption"
  }

  assert {
    condition     = length([for s in jsondecode(data.aws_iam_policy_document.this.json).Statement : s if s.Sid == "ReceivedMailThroughS3Only"]) == 0
    error_message = "Without receiving the key policy has no statement for received mail."
  }
}

run "the_key_lets_ses_and_the_readers_use_it_through_s3_for_the_bucket_only" {
  command = plan

  module {
    source = "./modules/encryption"
  }

  variables {
    received_mail = {
      bucket_arn  = "arn:aws:s3:::ses-smtp-rx-123456789012-eu-west-1"
      reader_arns = ["arn:aws:iam::123456789012:role/ses-smtp-forwarding", "arn:aws:iam::123456789012:role/ses-smtp-reports", "arn:aws:iam::123456789012:role/platform-admins"]
    }
  }

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.this.json).Statement : s if s.Sid == "ReceivedMailThroughS3Only"
      ]).Condition.StringEquals == {
      "kms:ViaService"                   = "s3.eu-west-1.amazonaws.com"
      "kms:EncryptionContext:aws:s3:arn" = "arn:aws:s3:::ses-smtp-rx-123456789012-eu-west-1"
    }
    error_message = "Received mail may be encrypted and decrypted only by S3, for the bucket of received mail."
  }
  assert {
    condition = toset(flatten([one([
      for s in jsondecode(data.aws_iam_policy_document.this.json).Statement : s if s.Sid == "ReceivedMailThroughS3Only"
    ]).Principal.AWS])) == toset(["arn:aws:iam::123456789012:role/ses-smtp-forwarding", "arn:aws:iam::123456789012:role/ses-smtp-reports", "arn:aws:iam::123456789012:role/platform-admins"])
    error_message = "Only the readers given use the key for received mail."
  }
}
