# The same module as examples/complete, pointed at the local emulator. The providers carry the
# emulator's dummy credentials themselves, so `terraform apply` works with no AWS settings at all,
# and never uses a real credential from the environment.
provider "aws" {
  region = var.region

  # checkov:skip=CKV_AWS_41: the local emulator's dummy credentials, not a secret: they work nowhere else
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true

  endpoints {
    acm            = var.endpoint_url
    cloudfront     = var.endpoint_url
    cloudwatch     = var.endpoint_url
    cloudwatchlogs = var.endpoint_url
    dynamodb       = var.endpoint_url
    events         = var.endpoint_url
    iam            = var.endpoint_url
    kms            = var.endpoint_url
    lambda         = var.endpoint_url
    route53        = var.endpoint_url
    s3             = var.endpoint_url
    scheduler      = var.endpoint_url
    ses            = var.endpoint_url
    sesv2          = var.endpoint_url
    sns            = var.endpoint_url
    sqs            = var.endpoint_url
    sts            = var.endpoint_url
  }
}

module "ses_smtp" {
  source = "../.."

  # The emulator serves every region at one address, and MTA-STS hosting (the one user of aws.us_east_1)
  # stays off here: one provider configuration serves both, so Terraform starts one AWS provider per step
  # instead of two (a plan of this example took 12 s of CPU instead of 19 s; see docs/local-stack.md).
  providers = {
    aws           = aws
    aws.us_east_1 = aws
  }

  domain                   = var.domain
  name_prefix              = var.name_prefix
  verified_email_addresses = ["postmaster@${var.domain}"]

  # The emulator's default account; the local stack's administrator reads passwords as this user.
  admin_principal_arns = ["arn:aws:iam::123456789012:user/local-admin"]

  # Reports about the domain's mail: DMARC aggregates, and TLS problems delivering to it.
  dmarc_rua       = ["dmarc-reports@${var.domain}"]
  tls_rpt_enabled = true
  tls_rpt_rua     = ["mailto:tls-reports@${var.domain}"]

  # An MTA-STS policy for the domain's inbound servers: its record and text (hosting stays off locally).
  mta_sts_policy_enabled = true
  mta_sts_mx             = ["mx1.${var.domain}", "mx2.${var.domain}"]

  # Rotation notices to the person, from no-reply@<domain> (off by default; rotation_notices_from names
  # another address of the domain).
  rotation_notices_enabled = true

  # A sender over its limits has its keys deactivated until `ses-smtp users release` (the default is alert).
  sender_limit_action = "quarantine"

  # Receiving: Gmail's confirmation and replies reach the person. The emulator has no active rule set,
  # so the module creates and activates its own (never where another rule set is active).
  receiving_enabled                   = true
  receipt_rule_set_activation_enabled = true

  # A throwaway deployment: let `terraform destroy` remove the table.
  credentials_table_deletion_protection_enabled = false

  # Senders declared in code (none by default; `ses-smtp users create` adds senders by hand).
  senders = var.senders

  tags = {
    Environment = "local"
  }
}
