provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project = "ses-smtp"
    }
  }
}

module "ses_smtp" {
  source = "../.."

  domain                   = var.domain
  route53_zone_id          = var.route53_zone_id
  verified_email_addresses = var.verified_email_addresses
  name_prefix              = "ses-smtp"
  admin_principal_arns     = var.admin_principal_arns

  tags = {
    Owner = "platform"
  }
}
