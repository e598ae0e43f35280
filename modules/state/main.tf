data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  # Names and values the functions use too (one file, read by both sides).
  contract      = jsondecode(file("${path.module}/../../functions/ses_smtp/contract.json"))
  partition     = data.aws_partition.current.partition
  account_id    = data.aws_caller_identity.current.account_id
  table_arn     = "arn:${local.partition}:dynamodb:${data.aws_region.current.id}:${local.account_id}:table/${var.table_name}"
  layer_package = "${var.lambda_package_dir}/dependencies.zip"

  # Built from the roles' names (the function module names each role after its function), so this
  # module needs nothing from the modules that read and write the table.
  writer_role_arns = [for name in var.writer_role_names : "arn:${local.partition}:iam::${local.account_id}:role/${name}"]
}

resource "aws_dynamodb_table" "this" {
  name                        = var.table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = local.contract.table.partition_key
  range_key                   = local.contract.table.sort_key
  deletion_protection_enabled = var.credentials_table_deletion_protection_enabled
  tags                        = var.tags

  attribute {
    name = local.contract.table.partition_key
    type = "S"
  }

  attribute {
    name = local.contract.table.sort_key
    type = "S"
  }

  # Only remembered bounce and complaint events carry these attributes, so the index is sparse and `ses-smtp events --sender` is a query, not a scan.
  attribute {
    name = local.contract.table.history_sender
    type = "S"
  }

  attribute {
    name = local.contract.table.history_at
    type = "S"
  }

  global_secondary_index {
    name            = local.contract.table.by_sender_index
    hash_key        = local.contract.table.history_sender
    range_key       = local.contract.table.history_at
    projection_type = "ALL"
  }

  # Per-sender daily counts (usage#<IAM user>, day#<date>) expire two days after they start.
  ttl {
    attribute_name = local.contract.table.expires_at
    enabled        = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  point_in_time_recovery {
    enabled = true
  }
}

# Only the functions write items. Everyone else, account administrators included, may still read
# (IAM decides), and manage the table and this policy: the deny names item writes only.
data "aws_iam_policy_document" "table" {
  statement {
    sid    = "OnlyTheFunctionsWriteItems"
    effect = "Deny"
    actions = [
      "dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PartiQLDelete", "dynamodb:PartiQLInsert",
      "dynamodb:PartiQLUpdate", "dynamodb:PutItem", "dynamodb:UpdateItem",
    ]
    resources = [local.table_arn, "${local.table_arn}/*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = local.writer_role_arns
    }
  }
}

resource "aws_dynamodb_resource_policy" "this" {
  resource_arn = aws_dynamodb_table.this.arn
  policy       = data.aws_iam_policy_document.table.json
}

# Every function runs on this one layer version: the dependencies change with a release of the module,
# not with one function, and a version is immutable (a new zip is a new version, the old one stays).
resource "aws_lambda_layer_version" "dependencies" {
  layer_name               = "${var.name_prefix}-dependencies"
  description              = "Powertools, aws-xray-sdk and cryptography for the ses-smtp functions"
  filename                 = local.layer_package
  source_code_hash         = try(filebase64sha256(local.layer_package), null)
  compatible_runtimes      = [var.lambda_runtime]
  compatible_architectures = ["arm64"]

  lifecycle {
    precondition {
      condition     = fileexists(local.layer_package)
      error_message = "${local.layer_package} is missing: run `make build` in the module's directory first."
    }
  }
}
