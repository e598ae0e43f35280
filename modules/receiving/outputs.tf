output "bucket_name" {
  description = "Bucket of received mail (raw messages under inbound/, as SES's S3 action stores them)."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the bucket of received mail."
  value       = local.bucket_arn
}

output "object_key_prefix" {
  description = "Key prefix of the stored messages."
  value       = local.object_prefix
}

output "receipt_rule_name" {
  description = "The module's receipt rule."
  value       = aws_ses_receipt_rule.this.name
}

output "receipt_rule_arn" {
  description = "ARN of the receipt rule (the source SES writes and invokes as)."
  value       = local.rule_arn
}

output "rule_set_name" {
  description = "Rule set holding the rule."
  value       = aws_ses_receipt_rule.this.rule_set_name
}

output "forwarding_function_name" {
  description = "Name of the forwarding function."
  value       = module.function.function_name
}

output "forwarding_role_arn" {
  description = "Execution role of the forwarding function (decrypts stored mail via S3 only)."
  value       = module.function.role_arn
}

output "forwarding_role_policy_json" {
  description = "The forwarding role's policy, as IAM evaluates it."
  value       = module.function.role_policy_json
}

output "bucket_policy_json" {
  description = "The bucket policy."
  value       = data.aws_iam_policy_document.bucket.json
}

output "dead_letter_queue_url" {
  description = "Queue of forwarding events that failed after Lambda's retries."
  value       = aws_sqs_queue.dead_letter.id
}

output "rule_set_created" {
  description = "Whether the module created the rule set, and whether it activated it (for tests and callers)."
  value = {
    created   = length(aws_ses_receipt_rule_set.this) > 0
    activated = length(aws_ses_active_receipt_rule_set.this) > 0 ? aws_ses_active_receipt_rule_set.this[0].rule_set_name : null
  }
}

output "receipt_rule" {
  description = "The receipt rule resource (for tests and callers that need more of its attributes)."
  value       = aws_ses_receipt_rule.this
}

output "bucket_settings" {
  description = "The bucket's public access block, encryption and lifecycle resources (for tests)."
  value = {
    public_access_block = aws_s3_bucket_public_access_block.this
    encryption          = aws_s3_bucket_server_side_encryption_configuration.this
    lifecycle           = aws_s3_bucket_lifecycle_configuration.this
  }
}

output "invocation" {
  description = "Who may invoke the function, and where its failures go (for tests)."
  value = {
    permission    = aws_lambda_permission.ses
    invoke_config = aws_lambda_function_event_invoke_config.this
  }
}

output "administrators_policy_json" {
  description = "IAM policy for the people who run `ses-smtp users confirmation`: list and read the stored mail."
  value       = data.aws_iam_policy_document.administrators.json
}

output "report_function_name" {
  description = "Name of the report function, or null without report addresses."
  value       = local.reports_enabled ? module.report_function[0].function_name : null
}

output "report_role_arn" {
  description = "Execution role of the report function (decrypts stored report mail via S3 only), or null."
  value       = local.reports_enabled ? module.report_function[0].role_arn : null
}

output "report_role_policy_json" {
  description = "The report role's policy, as IAM evaluates it, or null."
  value       = local.reports_enabled ? data.aws_iam_policy_document.reports[0].json : null
}

output "report_recipients" {
  description = "Addresses whose mail the report rule stores under reports/ and hands to the report function."
  value       = var.report_recipients
}

output "report_receipt_rule" {
  description = "The report rule resource, or null (for tests and callers)."
  value       = local.reports_enabled ? aws_ses_receipt_rule.reports[0] : null
}

output "report_invocation" {
  description = "Who may invoke the report function, and where its failures go (for tests), or null."
  value = local.reports_enabled ? {
    permission    = aws_lambda_permission.reports[0]
    invoke_config = aws_lambda_function_event_invoke_config.reports[0]
  } : null
}
