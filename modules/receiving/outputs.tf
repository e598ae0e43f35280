output "bucket_name" {
  description = "Bucket of received mail (raw messages under inbound/, as SES's S3 action stores them)."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the bucket of received mail."
  value       = local.bucket_arn
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

output "dead_letter_queue_url" {
  description = "Queue of forwarding events that failed after Lambda's retries."
  value       = aws_sqs_queue.dead_letter.id
}

output "dead_letter_queue_name" {
  description = "Dead-letter queue of failed forwarding and report invocations (its alarm names it)."
  value       = aws_sqs_queue.dead_letter.name
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
