output "key_arn" {
  description = "ARN of the key in use (created here, or the one given)."
  value       = var.kms_key_arn == null ? aws_kms_key.this[0].arn : var.kms_key_arn
}

output "key_policy_json" {
  description = "The full key policy of a key created here."
  value       = data.aws_iam_policy_document.this.json
}

output "key_policy_statements_json" {
  description = "The usage statements to add to an existing key's policy when kms_key_arn is given."
  value       = data.aws_iam_policy_document.usage.json
}
