provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project = "ses-smtp"
    }
  }
}

# CloudFront takes its certificates from us-east-1: used only with mta_sts_hosting_enabled.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = {
      Project = "ses-smtp"
    }
  }
}

module "ses_smtp" {
  source = "../.."

  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  domain                   = var.domain
  existing_route53_zone    = var.route53_zone_id == null ? null : { id = var.route53_zone_id }
  verified_email_addresses = var.verified_email_addresses
  name_prefix              = "ses-smtp"
  admin_principal_arns     = var.admin_principal_arns

  # MTA-STS for the domain's inbound mail (its own MX, not SES).
  mta_sts_policy_enabled  = length(var.inbound_mx) > 0
  mta_sts_mx              = var.inbound_mx
  mta_sts_hosting_enabled = var.mta_sts_hosting_enabled

  # Receiving: Gmail's confirmation and replies forwarded to each person's own mailbox. Name the
  # account's active receipt rule set; without one the module creates and activates its own.
  receiving_enabled         = var.receiving_enabled
  existing_receipt_rule_set = var.receipt_rule_set_name == null ? null : { name = var.receipt_rule_set_name }
  # Only where no rule set is active in the account and region: the module then activates its own.
  receipt_rule_set_activation_enabled = var.receipt_rule_set_activation_enabled

  tags = {
    Owner = "platform"
  }
}
