output "credentials_function_name" {
  description = "Name of the credentials function the CLI invokes."
  value       = module.credentials_function.function_name
}

output "credentials_function_arn" {
  description = "ARN of the credentials function (the declared senders' invocations name it)."
  value       = module.credentials_function.function_arn
}

output "senders_path" {
  description = "IAM path of sender users."
  value       = local.senders_path
}

output "senders_group_name" {
  description = "DEPRECATED: the group senders of earlier versions were in; empty once migrated. Removed in the next major version."
  value       = aws_iam_group.senders.name
}

output "administrators_policy_json" {
  description = "IAM policy to attach to the people who run `ses-smtp users`: invoke, read records, decrypt passwords."
  value       = data.aws_iam_policy_document.administrators.json
}
