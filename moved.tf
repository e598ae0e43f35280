# Resources whose address changed when the shared state and the monitoring got modules of their own
# (0.1.0): an existing deployment plans them as moves, with nothing destroyed or created.
# tests/integration/test_module_split_upgrade.py applies the version before and plans this one on its state.

moved {
  from = module.credentials.aws_dynamodb_table.this
  to   = module.state.aws_dynamodb_table.this
}

moved {
  from = module.credentials.aws_dynamodb_resource_policy.this
  to   = module.state.aws_dynamodb_resource_policy.this
}

moved {
  from = module.credentials.aws_lambda_layer_version.dependencies
  to   = module.state.aws_lambda_layer_version.dependencies
}

moved {
  from = module.events.aws_sns_topic.alerts
  to   = module.monitoring.aws_sns_topic.alerts
}

moved {
  from = module.events.aws_sns_topic_policy.alerts
  to   = module.monitoring.aws_sns_topic_policy.alerts
}

moved {
  from = module.events.aws_sns_topic_subscription.alert_email
  to   = module.monitoring.aws_sns_topic_subscription.alert_email
}

moved {
  from = module.events.aws_cloudwatch_metric_alarm.reputation
  to   = module.monitoring.aws_cloudwatch_metric_alarm.reputation
}

moved {
  from = module.events.aws_cloudwatch_metric_alarm.function
  to   = module.monitoring.aws_cloudwatch_metric_alarm.function
}

moved {
  from = module.events.aws_cloudwatch_metric_alarm.queue
  to   = module.monitoring.aws_cloudwatch_metric_alarm.queue
}

moved {
  from = module.events.aws_cloudwatch_metric_alarm.credentials_need_attention
  to   = module.monitoring.aws_cloudwatch_metric_alarm.credentials_need_attention
}

moved {
  from = module.events.aws_cloudwatch_metric_alarm.sender
  to   = module.monitoring.aws_cloudwatch_metric_alarm.sender
}

moved {
  from = module.events.aws_cloudwatch_metric_alarm.send_quota
  to   = module.monitoring.aws_cloudwatch_metric_alarm.send_quota
}

moved {
  from = module.events.aws_cloudwatch_dashboard.this
  to   = module.monitoring.aws_cloudwatch_dashboard.this
}

moved {
  from = module.receiving[0].aws_cloudwatch_metric_alarm.dead_letters
  to   = module.monitoring.aws_cloudwatch_metric_alarm.received_mail_dead_letters[0]
}
