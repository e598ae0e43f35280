data "aws_region" "current" {}

locals {
  region           = data.aws_region.current.name
  mail_from_domain = coalesce(var.mail_from_domain, "mail.${var.domain}")
  smtp_regions     = toset(jsondecode(file("${path.module}/functions/ses_smtp/smtp_regions.json")).regions)
}

module "sending_domain" {
  source = "./modules/sending-domain"

  domain                           = var.domain
  mail_from_domain                 = local.mail_from_domain
  mail_from_behavior_on_mx_failure = var.mail_from_behavior_on_mx_failure
  configuration_set_name           = var.name_prefix
  verified_email_addresses         = var.verified_email_addresses
  region                           = local.region
  dns_record_ttl                   = var.dns_record_ttl
  tags                             = var.tags
}

module "dns" {
  source = "./modules/dns"

  domain          = var.domain
  records         = module.sending_domain.dns_records
  route53_zone_id = var.route53_zone_id
}
