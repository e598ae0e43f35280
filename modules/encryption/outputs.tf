output "key_arn" {
  description = "ARN of the key in use (created here, or the one given)."
  value       = var.existing_kms_key == null ? aws_kms_key.this[0].arn : var.existing_kms_key.arn
}

output "key_policy_statements_json" {
  description = "The usage statements to add to an existing key's policy when existing_kms_key is given."
  value       = data.aws_iam_policy_document.usage.json
}

output "key_administrator_arns" {
  description = "Principals the key policy names as key administrators."
  value       = local.administrators
}

output "key_changes_rule_arn" {
  description = "EventBridge rule that sends changes to the key's policy, grants, rotation or state to the alerts topic."
  value       = aws_cloudwatch_event_rule.key_changes.arn
}
