# Two ses-smtp deployments in one account and region, inside a repository that already has a KMS key, an
# alerts topic, a Route53 zone and a permissions boundary every role must carry. Here the repository's
# own resources are created next to the modules (as a new environment built from such a repository is);
# with ones that already exist, replace each resource below by its ARN or id.
provider "aws" {
  region = var.region
}

# Only used to host an MTA-STS policy, but always passed.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  alerts_topic_name = "platform-alerts"
  # Derived from names, not taken from the topic: the key's policy must exist before the topic it encrypts.
  alerts_topic_arn = "arn:${data.aws_partition.current.partition}:sns:${var.region}:${data.aws_caller_identity.current.account_id}:${local.alerts_topic_name}"
}

# --- The repository's existing resources --------------------------------------------------------------

resource "aws_iam_policy" "boundary" {
  name        = "platform-workload-boundary"
  description = "The organisation's permissions boundary for workload roles."
  policy      = data.aws_iam_policy_document.boundary.json
  tags        = var.tags
}

data "aws_iam_policy_document" "boundary" {
  #checkov:skip=CKV_AWS_107:A permissions boundary grants nothing: it caps roles whose own policies name their actions and resources.
  #checkov:skip=CKV_AWS_108:A permissions boundary grants nothing (see above).
  #checkov:skip=CKV_AWS_109:A permissions boundary grants nothing (see above).
  #checkov:skip=CKV_AWS_110:A permissions boundary grants nothing (see above).
  #checkov:skip=CKV_AWS_111:A permissions boundary grants nothing (see above).
  #checkov:skip=CKV_AWS_356:A permissions boundary grants nothing (see above).
  statement {
    sid = "WorkloadServices"
    actions = [
      "logs:*", "xray:*", "dynamodb:*", "kms:*", "sqs:*", "sns:*", "ses:*", "s3:*", "iam:*",
      "lambda:InvokeFunction", "cloudwatch:PutMetricData", "sts:GetCallerIdentity",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "NoRoleMaking"
    effect    = "Deny"
    actions   = ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DeleteRolePermissionsBoundary"]
    resources = ["*"]
  }
}

resource "aws_kms_key" "platform" {
  description         = "The platform's key, shared by both mail deployments"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.platform_key.json
  tags                = var.tags
}

data "aws_iam_policy_document" "platform_key" {
  #checkov:skip=CKV_AWS_109:A key policy's Resource "*" means this key only; administration names its actions one by one.
  #checkov:skip=CKV_AWS_111:A key policy's Resource "*" means this key only.
  #checkov:skip=CKV_AWS_356:A key policy's Resource "*" means this key only.

  # Each deployment's statements (their Sids start with the deployment's name prefix, so they merge).
  source_policy_documents = [module.sales.kms_key_policy_statements_json, module.support.kms_key_policy_statements_json]

  statement {
    sid       = "PlatformAdministersTheKey"
    actions   = ["kms:Describe*", "kms:Get*", "kms:List*", "kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:UpdateKeyDescription"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = var.key_administrator_arns
    }
  }

  # The modules' statements cover their own topics; the shared alerts topic is the repository's.
  statement {
    sid       = "AlarmsAndRulesPublishToTheAlertsTopic"
    actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:sns:topicArn"
      values   = [local.alerts_topic_arn]
    }
  }
}

resource "aws_sns_topic" "alerts" {
  name              = local.alerts_topic_name
  kms_master_key_id = aws_kms_key.platform.arn
  tags              = var.tags
}

# What the module's own alerts topic would allow: the account, and each deployment's key-changes rule.
resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = data.aws_iam_policy_document.alerts_topic.json
}

data "aws_iam_policy_document" "alerts_topic" {
  statement {
    sid       = "AccountPublishes"
    actions   = ["sns:Publish", "sns:GetTopicAttributes", "sns:Subscribe"]
    resources = [aws_sns_topic.alerts.arn]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceOwner"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }

  statement {
    sid       = "KeyChangeRulesPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [module.sales.kms_key_changes_rule_arn, module.support.kms_key_changes_rule_arn]
    }
  }
}

resource "aws_route53_zone" "company" {
  #checkov:skip=CKV2_AWS_38:DNSSEC signing is the zone owner's choice, made outside this example.
  #checkov:skip=CKV2_AWS_39:Query logging is the zone owner's choice, made outside this example.
  name = var.zone_name
  tags = var.tags
}

# --- Two deployments ---------------------------------------------------------------------------------
# Two blocks, not for_each: a for_each module closes over all its instances, and the key policy (built
# from their outputs) would then wait for the key it belongs to.

module "sales" {
  source = "../.."

  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name_prefix                   = "sales-mail"
  domain                        = "sales.${var.zone_name}"
  existing_kms_key              = { arn = aws_kms_key.platform.arn }
  existing_alerts_topic         = { arn = aws_sns_topic.alerts.arn }
  existing_route53_zone         = { id = aws_route53_zone.company.zone_id }
  role_permissions_boundary_arn = aws_iam_policy.boundary.arn
  admin_principal_arns          = var.admin_principal_arns
  kms_key_administrator_arns    = var.key_administrator_arns
  tags                          = var.tags

  credentials_table_deletion_protection_enabled = var.deletion_protection_enabled
}

module "support" {
  source = "../.."

  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name_prefix                   = "support-mail"
  domain                        = "support.${var.zone_name}"
  existing_kms_key              = { arn = aws_kms_key.platform.arn }
  existing_alerts_topic         = { arn = aws_sns_topic.alerts.arn }
  existing_route53_zone         = { id = aws_route53_zone.company.zone_id }
  role_permissions_boundary_arn = aws_iam_policy.boundary.arn
  admin_principal_arns          = var.admin_principal_arns
  kms_key_administrator_arns    = var.key_administrator_arns
  tags                          = var.tags

  credentials_table_deletion_protection_enabled = var.deletion_protection_enabled
}
