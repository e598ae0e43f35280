output "events_topic_arn" {
  description = "SNS topic SES publishes events to."
  value       = aws_sns_topic.events.arn
}

output "events_queue_url" {
  description = "SQS queue of SES events."
  value       = aws_sqs_queue.events.id
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue (also the retire schedule's, so its alarm covers both)."
  value       = aws_sqs_queue.dead_letter.arn
}

output "events_queue_name" {
  description = "Name of the SQS queue of SES events (its backlog alarm names it)."
  value       = aws_sqs_queue.events.name
}

output "dead_letter_queue_name" {
  description = "Name of the dead-letter queue (its alarm names it)."
  value       = aws_sqs_queue.dead_letter.name
}

output "dead_letter_queue_url" {
  description = "Dead-letter queue of events that could not be processed."
  value       = aws_sqs_queue.dead_letter.id
}

output "events_function_name" {
  description = "Name of the events function."
  value       = module.function.function_name
}



output "events_role_arn" {
  description = "Execution role of the events function (named in the table's resource policy)."
  value       = module.function.role_arn
}
