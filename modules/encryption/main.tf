data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

# Who runs Terraform, as the role (not the session) when it is an assumed role: the default key
# administrator, because KMS refuses a policy that would lock its creator out of PutKeyPolicy.
data "aws_iam_session_context" "deployer" {
  arn = data.aws_caller_identity.current.arn
}

locals {
  account_id           = data.aws_caller_identity.current.account_id
  region               = data.aws_region.current.id
  partition            = data.aws_partition.current.partition
  credentials_role_arn = "arn:${local.partition}:iam::${local.account_id}:role/${var.credentials_role_name}"

  # Statement ids carry the deployment's name: two deployments' statements merge into one shared
  # key's policy with source_policy_documents (same Sids would fail, or silently override).
  sid_prefix = join("", [for word in split("-", replace(var.name_prefix, "/[^A-Za-z0-9-]/", "-")) : title(word)])

  administrators = length(var.kms_key_administrator_arns) > 0 ? var.kms_key_administrator_arns : [data.aws_iam_session_context.deployer.issuer_arn]

  # The encryption context the functions send with every password (contract.json, read by both sides).
  contract              = jsondecode(file("${path.module}/../../functions/ses_smtp/contract.json"))
  password_context_keys = local.contract.password_envelope.context_keys
  password_purpose      = local.contract.password_envelope.purpose

  topic_arns       = [for name in var.topic_names : "arn:${local.partition}:sns:${local.region}:${local.account_id}:${name}"]
  key_changes_rule = "${var.name_prefix}-key-changes"

  # Named one by one: no kms:Create* (it includes CreateGrant) and no cryptographic action. PutKeyPolicy
  # stays: Terraform needs it to manage the policy, and KMS requires its creator to keep it.
  administration_actions = [
    "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:DeleteAlias", "kms:DescribeKey", "kms:DisableKey",
    "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
    "kms:ListAliases", "kms:ListGrants", "kms:ListKeyPolicies", "kms:ListKeyRotations", "kms:ListResourceTags",
    "kms:PutKeyPolicy", "kms:RevokeGrant", "kms:RotateKeyOnDemand", "kms:ScheduleKeyDeletion", "kms:TagResource",
    "kms:UntagResource", "kms:UpdateAlias", "kms:UpdateKeyDescription",
  ]

  # CloudTrail management events that change who can use the key, or whether it exists.
  key_change_events = [
    "CreateGrant", "DeleteAlias", "DisableKey", "DisableKeyRotation", "PutKeyPolicy", "ReplicateKey",
    "RetireGrant", "RevokeGrant", "ScheduleKeyDeletion", "UpdateAlias",
  ]
}

data "aws_iam_policy_document" "usage" {
  statement {
    sid       = "${local.sid_prefix}CredentialsFunctionSealsPasswords"
    actions   = ["kms:GenerateDataKey"]
    resources = ["*"]

    # The role by a condition, not as the principal: KMS refuses a policy naming a principal that does
    # not exist yet, and a caller's key policy is put before the module creates the role.
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:PrincipalArn"
      values   = [local.credentials_role_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:purpose"
      values   = [local.password_purpose]
    }

    condition {
      test     = "ForAllValues:StringEquals"
      variable = "kms:EncryptionContextKeys"
      values   = local.password_context_keys
    }
  }

  dynamic "statement" {
    for_each = length(var.admin_principal_arns) > 0 ? [1] : []

    content {
      sid       = "${local.sid_prefix}AdministratorsReadPasswords"
      actions   = ["kms:Decrypt"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = var.admin_principal_arns
      }

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:purpose"
        values   = [local.password_purpose]
      }

      condition {
        test     = "ForAllValues:StringEquals"
        variable = "kms:EncryptionContextKeys"
        values   = local.password_context_keys
      }
    }
  }

  # DynamoDB encrypts this module's table only (its encryption context names the table).
  statement {
    sid       = "${local.sid_prefix}DynamoDBEncryptsTheTable"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["dynamodb.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:dynamodb:tableName"
      values   = [var.table_name]
    }
  }

  # DescribeKey and the service's own grant carry no table context; CreateGrant is further limited to
  # grants for AWS resources by PrincipalsGrantOnlyForAwsServices.
  statement {
    sid       = "${local.sid_prefix}DynamoDBDescribesAndGrants"
    actions   = ["kms:CreateGrant", "kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["dynamodb.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [local.account_id]
    }
  }

  # SES publishes events, CloudWatch alarms and EventBridge publish alerts, to topics encrypted with
  # this key: only this module's topics (SNS names the topic in the encryption context).
  statement {
    sid       = "${local.sid_prefix}ServicesPublishToTheModulesTopics"
    actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["ses.amazonaws.com", "cloudwatch.amazonaws.com", "events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:sns:topicArn"
      values   = local.topic_arns
    }
  }

  # Receiving: SES writes received mail and the readers read it, only through S3 and only for the
  # bucket of received mail (its ARN is the encryption context with S3 bucket keys).
  dynamic "statement" {
    for_each = var.received_mail == null ? [] : [var.received_mail]

    content {
      sid       = "ReceivedMailThroughS3Only"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["ses.amazonaws.com"]
      }

      principals {
        type        = "AWS"
        identifiers = statement.value.reader_arns
      }

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${local.region}.amazonaws.com"]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:aws:s3:arn"
        values   = [statement.value.bucket_arn]
      }
    }
  }

  statement {
    sid       = "${local.sid_prefix}CloudWatchLogsEncryptsFunctionLogs"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${var.log_group_name_prefix}*"]
    }
  }

  # Nobody, administrators included, grants themselves use of the key: a grant bypasses every
  # condition above. AWS services (DynamoDB) create their grants with GrantIsForAWSResource true.
  statement {
    sid       = "${local.sid_prefix}PrincipalsGrantOnlyForAwsServices"
    effect    = "Deny"
    actions   = ["kms:CreateGrant"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "kms:GrantIsForAWSResource"
      values   = ["false"]
    }
  }
}

data "aws_iam_policy_document" "this" {
  #checkov:skip=CKV_AWS_109:A key policy's Resource "*" means this key only; administration is limited to key_administrator_arns and names its actions one by one, none cryptographic, no CreateGrant.
  #checkov:skip=CKV_AWS_111:A key policy's Resource "*" means this key only; see the statement conditions.
  #checkov:skip=CKV_AWS_356:A key policy's Resource "*" means this key only.
  source_policy_documents = [data.aws_iam_policy_document.usage.json]

  # Administration only. A key administrator can still rewrite this policy (PutKeyPolicy): that is
  # alerted through the alerts topic (aws_cloudwatch_event_rule.key_changes).
  statement {
    sid       = "KeyAdministration"
    actions   = local.administration_actions
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = local.administrators
    }
  }
}

resource "aws_kms_key" "this" {
  count = var.existing_kms_key == null ? 1 : 0

  description             = "${var.name_prefix}: SES SMTP passwords (envelope encryption), credentials table, logs"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.this.json
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  count = var.existing_kms_key == null ? 1 : 0

  name          = "alias/${var.name_prefix}"
  target_key_id = aws_kms_key.this[0].key_id
}
