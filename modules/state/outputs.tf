output "table_name" {
  description = "DynamoDB table of sender records, sealed passwords, remembered bounces and per-sender counts."
  value       = aws_dynamodb_table.this.name
}

output "layer_arn" {
  description = "The dependencies layer every function runs on."
  value       = aws_lambda_layer_version.dependencies.arn
}
