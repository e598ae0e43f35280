output "sales_admin_config" {
  description = "What `ses-smtp --terraform-dir` would read for the sales deployment; re-export one per root, or use --function/--table/--kms-key-arn/--region."
  value       = module.sales.admin_config
}

output "support_admin_config" {
  description = "What `ses-smtp` reads for the support deployment."
  value       = module.support.admin_config
}

output "platform_key_policy_json" {
  description = "The shared key's policy: the platform's statements and both deployments'."
  value       = data.aws_iam_policy_document.platform_key.json
}
