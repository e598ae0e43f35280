locals {
  # RFC 9989 tags only: pct, rf and ri are gone (t=y took pct=0's place). psd is never published:
  # psd=y is for public suffix operators, and psd=n would move the organisational-domain boundary
  # that relaxed alignment relies on, a decision for whoever runs the parent domain.
  dmarc_tags = var.dmarc == null ? [] : compact([
    "v=DMARC1",
    "p=${var.dmarc.policy}",
    var.dmarc.subdomain_policy == null ? "" : "sp=${var.dmarc.subdomain_policy}",
    var.dmarc.nonexistent == null ? "" : "np=${var.dmarc.nonexistent}",
    var.dmarc.testing ? "t=y" : "",
    length(var.dmarc.rua) == 0 ? "" : "rua=${join(",", [for address in var.dmarc.rua : "mailto:${address}"])}",
    length(var.dmarc.ruf) == 0 ? "" : "ruf=${join(",", [for address in var.dmarc.ruf : "mailto:${address}"])}",
    "adkim=${var.dmarc.adkim}",
    "aspf=${var.dmarc.aspf}",
  ])

  policy_records = merge(
    var.dmarc == null ? {} : {
      dmarc = {
        name    = "_dmarc.${var.domain}"
        type    = "TXT"
        value   = join("; ", local.dmarc_tags)
        ttl     = var.dns_record_ttl
        purpose = "DMARC: tells receivers what to do with mail that fails SPF and DKIM alignment (p=${var.dmarc.policy}) and where to send reports. Only one DMARC record may exist."
      }
    },
    var.mta_sts == null ? {} : {
      mta-sts = {
        name    = "_mta-sts.${var.domain}"
        type    = "TXT"
        value   = "v=STSv1; id=${var.mta_sts.policy_id}"
        ttl     = var.dns_record_ttl
        purpose = "MTA-STS: announces that ${var.domain}'s inbound mail servers require TLS; the id changes whenever the policy at https://mta-sts.${var.domain}/.well-known/mta-sts.txt does."
      }
    },
    try(var.mta_sts.hosted, false) ? {
      mta-sts-certificate = {
        name    = var.mta_sts.validation.name
        type    = var.mta_sts.validation.type
        value   = var.mta_sts.validation.value
        ttl     = var.dns_record_ttl
        purpose = "ACM: proves control of mta-sts.${var.domain} so the certificate is issued (and renewed); keep it."
      }
    } : {},
    length(var.tls_rpt_rua) == 0 ? {} : {
      tls-rpt = {
        name    = "_smtp._tls.${var.domain}"
        type    = "TXT"
        value   = "v=TLSRPTv1; rua=${join(",", var.tls_rpt_rua)}"
        ttl     = var.dns_record_ttl
        purpose = "TLS-RPT: where senders report TLS failures delivering to ${var.domain} (inbound mail, not SES)."
      }
    },
  )

  # Records that do not depend on CloudFront, and all of them (the mta-sts host points at CloudFront,
  # which needs the certificate, which needs a record from the first set).
  base_records = merge(var.records, local.policy_records)
  host_records = try(var.mta_sts.hosted, false) ? {
    mta-sts-host = {
      name    = "mta-sts.${var.domain}"
      type    = "CNAME"
      value   = var.mta_sts_host_target
      ttl     = var.dns_record_ttl
      purpose = "MTA-STS: the host that serves the policy (CloudFront, with a certificate for this name)."
    }
  } : {}
  all_records     = merge(local.base_records, local.host_records)
  route53_records = var.existing_route53_zone == null ? {} : local.base_records

  # TXT data travels in strings of at most 255 characters.
  txt_chunks = { for key, record in local.base_records : key => regexall(".{1,255}", record.value) if record.type == "TXT" }

  # Zone files want host names fully qualified and TXT strings quoted.
  rdata = {
    for key, record in local.all_records : key => (
      record.type == "TXT" ? join(" ", [for chunk in lookup(local.txt_chunks, key, []) : "\"${chunk}\""]) :
      contains(["MX", "CNAME"], record.type) ? "${record.value}." :
      record.value
    )
  }

  # The provider quotes TXT values itself; "" marks where a long one is split.
  route53_values = {
    for key, record in local.base_records : key => (
      record.type == "TXT" ? join("\"\"", local.txt_chunks[key]) :
      contains(["MX", "CNAME"], record.type) ? "${record.value}." :
      record.value
    )
  }

  zone_names = {
    for key, record in local.all_records : key => (
      record.name == var.domain ? "@" : trimsuffix(record.name, ".${var.domain}")
    )
  }

  zone_lines = [
    for key in sort(keys(local.all_records)) :
    format("%-50s %6d IN %-5s %s", local.zone_names[key], local.all_records[key].ttl, local.all_records[key].type, local.rdata[key])
  ]
}

resource "aws_route53_record" "this" {
  for_each = local.route53_records

  zone_id = var.existing_route53_zone.id
  name    = each.value.name
  type    = each.value.type
  ttl     = each.value.ttl
  records = [local.route53_values[each.key]]

  # A record someone already published by hand is a conflict to resolve, not
  # something to replace silently.
  allow_overwrite = false
}

resource "aws_route53_record" "mta_sts_host" {
  count = var.existing_route53_zone != null && try(var.mta_sts.hosted, false) ? 1 : 0

  zone_id         = var.existing_route53_zone.id
  name            = "mta-sts.${var.domain}"
  type            = "CNAME"
  ttl             = var.dns_record_ttl
  records         = [var.mta_sts_host_target]
  allow_overwrite = false
}
