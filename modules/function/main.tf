data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  log_group_arn = "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:log-group:/aws/lambda/${var.name}"
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

data "aws_iam_policy_document" "runtime" {
  source_policy_documents = [var.policy_json]

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:*"]
  }

  # X-Ray has no resource-level permissions: these two actions only ever take "*".
  statement {
    sid       = "SendTraces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "this" {
  name                 = var.name
  description          = "Runs the ${var.name} function."
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  permissions_boundary = var.role_permissions_boundary_arn
  tags                 = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "runtime"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.runtime.json
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:No VPC on purpose: the function calls only AWS APIs, and a VPC would need NAT or endpoints, a standing cost this module avoids.
  #checkov:skip=CKV_AWS_116:Never invoked asynchronously: the CLI calls synchronously, EventBridge Scheduler's target has its own retry policy and dead-letter queue (modules/credentials/schedule.tf), SQS has its redrive queue; a function DLQ would never receive anything.
  #checkov:skip=CKV_AWS_272:Code signing needs a Signer profile and a signing step outside Terraform; the zip is built reproducibly by `make build` and pinned by its hash.
  #checkov:skip=CKV_AWS_173:The environment holds names and ARNs only, never a secret; encrypting it with the module key would add a decrypt grant for no protection.
  function_name                  = var.name
  description                    = var.description
  role                           = aws_iam_role.this.arn
  handler                        = var.handler
  runtime                        = var.runtime
  architectures                  = ["arm64"]
  filename                       = var.package_path
  source_code_hash               = try(filebase64sha256(var.package_path), null)
  layers                         = var.layer_arns
  timeout                        = var.timeout
  memory_size                    = var.memory_size
  reserved_concurrent_executions = var.reserved_concurrency
  tags                           = var.tags

  environment {
    variables = var.environment
  }

  tracing_config {
    mode = "Active"
  }

  # Pinned, so a console change to DEBUG drifts back at the next apply and is visible in a plan.
  # The code keeps botocore quiet at any level too (ses_smtp.logsafety): at DEBUG it logs secrets.
  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = "INFO"
    system_log_level      = "WARN"
  }

  depends_on = [aws_iam_role_policy.this]

  lifecycle {
    precondition {
      condition     = fileexists(var.package_path)
      error_message = "${var.package_path} is missing: run `make build` in the module's directory first."
    }
  }
}
