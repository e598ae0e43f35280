# What each function may do, and nothing more.

data "aws_iam_policy_document" "credentials_function" {
  #checkov:skip=CKV_AWS_356:Only ses:GetAccount (the send-quota reading) is on "*": the action takes no resource (AWS service authorization reference); every other statement names this deployment's resources.
  statement {
    sid       = "CreateSendersOnlyWithTheBoundary"
    actions   = ["iam:CreateUser"]
    resources = [local.users_arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [local.boundary_arn]
    }
  }

  # CreateUser with tags needs TagUser too. The one tag says which sender a user belongs to.
  statement {
    sid       = "TagSendersWithTheirName"
    actions   = ["iam:TagUser"]
    resources = [local.users_arn]

    condition {
      test     = "ForAllValues:StringEquals"
      variable = "aws:TagKeys"
      values   = [local.contract.sender.tag]
    }
  }

  # IAM has no condition key for an inline policy's name, so the function could name it anything; that
  # is harmless: the boundary, which it cannot change, caps whatever the policy says at sending mail
  # as this identity through this configuration set, and only users under the senders path qualify.
  statement {
    sid       = "SetSendersFromPolicy"
    actions   = ["iam:DeleteUserPolicy", "iam:GetUserPolicy", "iam:PutUserPolicy"]
    resources = [local.users_arn]
  }

  statement {
    sid = "ManageSendersKeys"
    actions = [
      "iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:DeleteUser", "iam:GetAccessKeyLastUsed", "iam:GetUser",
      "iam:ListAccessKeys", "iam:ListGroupsForUser", "iam:UpdateAccessKey",
    ]
    resources = [local.users_arn]
  }

  # Only out of the deprecated group (senders of earlier versions), never into it.
  statement {
    sid       = "MoveSendersOutOfTheDeprecatedGroup"
    actions   = ["iam:RemoveUserFromGroup"]
    resources = [local.group_arn]
  }

  statement {
    sid       = "SealPasswords"
    actions   = ["kms:GenerateDataKey"]
    resources = [var.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:purpose"
      values   = [local.contract.password_envelope.purpose]
    }
  }

  # The writer cannot read: even a key policy that allowed it (an existing key delegating to IAM) would
  # not let this role decrypt, re-encrypt to a key it controls, or grant itself either.
  statement {
    sid       = "NeverReadPasswords"
    effect    = "Deny"
    actions   = ["kms:Decrypt", "kms:ReEncrypt*", "kms:CreateGrant"]
    resources = [var.kms_key_arn]

    condition {
      test     = "StringNotEquals"
      variable = "kms:ViaService"
      values   = ["dynamodb.${data.aws_region.current.id}.amazonaws.com"]
    }
  }

  # Rotation notices: SES API v2 SendEmail, only From the notices address, only as this identity
  # through this configuration set. Absent when notices are off.
  dynamic "statement" {
    for_each = var.rotation_notices_enabled ? [var.rotation_notices_from] : []

    content {
      sid       = "SendRotationNotices"
      actions   = ["ses:SendEmail"]
      resources = [var.identity_arn, var.configuration_set_arn]

      condition {
        test     = "StringEquals"
        variable = "ses:FromAddress"
        values   = [statement.value]
      }
    }
  }

  # The send-quota reading (every 15 minutes): the account's quota and its use, nothing else.
  dynamic "statement" {
    for_each = local.send_quota_enabled ? [1] : []

    content {
      sid       = "ReadTheSendQuota"
      actions   = ["ses:GetAccount"]
      resources = ["*"] # GetAccount takes no resource
    }
  }

  statement {
    sid = "CredentialsTable"
    actions = [
      "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query",
      "dynamodb:Scan", "dynamodb:UpdateItem",
    ]
    resources = [local.table_arn]
  }
}

data "aws_iam_policy_document" "administrators" {
  #checkov:skip=CKV_AWS_356:Only ses:GetAccount and ses:ListRecommendations are on "*": neither action takes a resource (AWS service authorization reference); every other statement names this deployment's resources.
  statement {
    sid       = "InvokeCredentialsFunction"
    actions   = ["lambda:InvokeFunction"]
    resources = [local.credentials_function_arn]
  }

  statement {
    sid       = "ReadSenderRecords"
    actions   = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"]
    resources = [local.table_arn, "${local.table_arn}/index/${local.contract.table.by_sender_index}"]
  }

  # `ses-smtp status`: reads only, of this deployment's own resources where the action allows naming one.
  statement {
    sid       = "ReadTheAccountsSendingState"
    actions   = ["ses:GetAccount", "ses:ListRecommendations"]
    resources = ["*"] # neither action takes a resource
  }

  statement {
    sid     = "ReadThisDeploymentsHealth"
    actions = ["ses:GetConfigurationSet", "sqs:GetQueueAttributes", "cloudwatch:DescribeAlarms", "lambda:GetFunctionConfiguration"]
    resources = [
      var.configuration_set_arn,
      "arn:${local.partition}:sqs:${data.aws_region.current.id}:${local.account_id}:${var.name_prefix}-*",
      "arn:${local.partition}:cloudwatch:${data.aws_region.current.id}:${local.account_id}:alarm:${var.name_prefix}-*",
      local.credentials_function_arn,
    ]
  }

  statement {
    sid       = "ReadPasswords"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:purpose"
      values   = [local.contract.password_envelope.purpose]
    }
  }
}
