output "alerts_topic_arn" {
  description = "Topic the alarms notify (created, or the caller's)."
  value       = local.alerts_topic_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}
