output "function_name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the function."
  value       = aws_lambda_function.this.arn
}

output "function" {
  description = "The function resource, for tests and callers that need more of its attributes."
  value       = aws_lambda_function.this
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = aws_iam_role.this.arn
}

output "role_policy_json" {
  description = "The execution role's policy, as IAM evaluates it."
  value       = data.aws_iam_policy_document.runtime.json
}

output "log_group_name" {
  description = "Log group of the function."
  value       = aws_cloudwatch_log_group.this.name
}
