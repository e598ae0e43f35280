data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  # Names and values the functions use too (one file, read by both sides).
  contract         = jsondecode(file("${path.module}/../../functions/ses_smtp/contract.json"))
  partition        = data.aws_partition.current.partition
  account_id       = data.aws_caller_identity.current.account_id
  senders_path     = "/${var.name_prefix}/senders/"
  user_name_prefix = "${var.name_prefix}-"
  users_arn        = "arn:${local.partition}:iam::${local.account_id}:user${local.senders_path}*"

  # ARNs built from names, so every policy is fully known (and reviewable) at plan time.
  table_arn                = "arn:${local.partition}:dynamodb:${data.aws_region.current.id}:${local.account_id}:table/${var.table_name}"
  group_path               = "/${var.name_prefix}/"
  group_name               = "${var.name_prefix}-senders"
  group_arn                = "arn:${local.partition}:iam::${local.account_id}:group${local.group_path}${local.group_name}"
  boundary_name            = "${var.name_prefix}-sender-boundary"
  boundary_arn             = "arn:${local.partition}:iam::${local.account_id}:policy${local.group_path}${local.boundary_name}"
  schedule_name            = "${var.name_prefix}-rotation"
  schedule_arn             = "arn:${local.partition}:scheduler:${data.aws_region.current.id}:${local.account_id}:schedule/default/${local.schedule_name}"
  send_quota_enabled       = var.send_quota_schedule_expression != null
  send_quota_schedule_name = "${var.name_prefix}-send-quota"
  send_quota_schedule_arn  = "arn:${local.partition}:scheduler:${data.aws_region.current.id}:${local.account_id}:schedule/default/${local.send_quota_schedule_name}"
  credentials_function_arn = "arn:${local.partition}:lambda:${data.aws_region.current.id}:${local.account_id}:function:${var.name_prefix}-credentials"
  code_package             = "${var.lambda_package_dir}/ses_smtp.zip"

  # The deprecated group's policy (earlier versions) reads grants from these tags.
  from_address_tags = [for index in range(1, 5) : "ses-smtp-from-${index}"]
  from_domain_tag   = "ses-smtp-from-domain"

  function_environment = {
    (local.contract.environment.table_name)                = var.table_name
    (local.contract.environment.kms_key_arn)               = var.kms_key_arn
    (local.contract.environment.senders_path)              = local.senders_path
    (local.contract.environment.senders_group)             = aws_iam_group.senders.name
    (local.contract.environment.permissions_boundary_arn)  = aws_iam_policy.sender_boundary.arn
    (local.contract.environment.user_name_prefix)          = local.user_name_prefix
    (local.contract.environment.allowed_domains)           = var.domain
    (local.contract.environment.smtp_region)               = data.aws_region.current.id
    (local.contract.environment.default_retire_after_days) = tostring(var.default_retire_after_days)
    (local.contract.environment.max_credential_age_days)   = tostring(var.max_credential_age_days)
    (local.contract.environment.retire_schedule)           = var.rotation_schedule_expression
    (local.contract.environment.unused_sender_days)        = tostring(var.unused_sender_days)
    (local.contract.environment.notices_from)              = var.rotation_notices_enabled ? var.rotation_notices_from : ""
    (local.contract.environment.configuration_set_name)    = var.configuration_set_name
    (local.contract.environment.service_name)              = var.name_prefix
    (local.contract.environment.metrics_namespace)         = local.contract.metric_namespace
  }
}



module "credentials_function" {
  source = "../function"

  name                          = "${var.name_prefix}-credentials"
  description                   = "Creates, rotates, revokes and retires SES SMTP senders' keys; cannot read passwords."
  handler                       = "ses_smtp.handlers.credentials.handler"
  package_path                  = local.code_package
  layer_arns                    = [var.layer_arn]
  environment                   = local.function_environment
  policy_json                   = data.aws_iam_policy_document.credentials_function.json
  timeout                       = 60
  memory_size                   = 256
  reserved_concurrency          = var.credentials_function_reserved_concurrency
  runtime                       = var.lambda_runtime
  log_retention_days            = var.log_retention_days
  kms_key_arn                   = var.kms_key_arn
  role_permissions_boundary_arn = var.role_permissions_boundary_arn
  tags                          = var.tags
}
