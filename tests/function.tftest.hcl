# modules/function on its own: how every function of the module runs (arm64, X-Ray, pinned log levels,
# its own log group and role). The real provider renders the role's policy; the one data source that
# would call STS is pinned.
provider "aws" {
  region                      = "eu-west-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variables {
  name                 = "ses-smtp-credentials"
  description          = "A function under test."
  handler              = "ses_smtp.handlers.credentials.handler"
  package_path         = "functions/dist/ses_smtp.zip"
  layer_arns           = ["arn:aws:lambda:eu-west-1:123456789012:layer:ses-smtp-dependencies:1"]
  environment          = { TABLE_NAME = "ses-smtp-credentials" }
  timeout              = 60
  memory_size          = 256
  reserved_concurrency = 2
  runtime              = "python3.13"
  log_retention_days   = 365
  kms_key_arn          = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  tags                 = {}
  policy_json = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "ReadTheTable", Effect = "Allow", Action = "dynamodb:GetItem", Resource = "arn:aws:dynamodb:eu-west-1:123456789012:table/ses-smtp-credentials" }]
  })
}

override_data {
  target          = data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

run "functions_are_arm64_traced_reserved_and_logged" {
  command = plan

  module {
    source = "./modules/function"
  }

  assert {
    condition     = one(aws_lambda_function.this.architectures) == "arm64" && aws_lambda_function.this.runtime == "python3.13" && one(aws_lambda_function.this.tracing_config).mode == "Active"
    error_message = "Functions must be arm64, python3.13, with X-Ray Active tracing."
  }
  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == 2
    error_message = "Functions must have reserved concurrency."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/ses-smtp-credentials" && aws_cloudwatch_log_group.this.retention_in_days == 365 && aws_cloudwatch_log_group.this.kms_key_id == "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    error_message = "Each function logs to its own log group, kept log_retention_days and encrypted with the module's key."
  }
}

run "function_log_levels_are_pinned_so_debug_cannot_leak_secrets" {
  command = plan

  module {
    source = "./modules/function"
  }

  assert {
    condition = (
      one(aws_lambda_function.this.logging_config).application_log_level == "INFO" &&
      one(aws_lambda_function.this.logging_config).system_log_level == "WARN"
    )
    error_message = "A console change to DEBUG would write botocore's response bodies (secret keys) to the logs."
  }
}

run "the_role_is_named_after_the_function_so_policies_can_name_it" {
  command = plan

  module {
    source = "./modules/function"
  }

  assert {
    condition     = aws_iam_role.this.name == "ses-smtp-credentials"
    error_message = "The key policy names the credentials role as role/<name_prefix>-credentials: the role must carry the function's name."
  }
}

run "the_role_gets_the_policy_given_and_its_own_log_group" {
  command = plan

  module {
    source = "./modules/function"
  }

  assert {
    condition     = contains([for s in jsondecode(data.aws_iam_policy_document.runtime.json).Statement : s.Sid], "ReadTheTable")
    error_message = "The function's own statements must reach its role."
  }
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(data.aws_iam_policy_document.runtime.json).Statement : [
        for r in flatten([s.Resource]) : r == "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/ses-smtp-credentials:*"
      ] if anytrue([for a in flatten([s.Action]) : startswith(a, "logs:")])
    ]))
    error_message = "A function may write to its own log group only."
  }
}
