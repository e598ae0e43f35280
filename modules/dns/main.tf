locals {
  route53_records = var.route53_zone_id == null ? {} : var.records

  # TXT data travels in strings of at most 255 characters.
  txt_chunks = { for key, record in var.records : key => regexall(".{1,255}", record.value) if record.type == "TXT" }

  # Zone files want host names fully qualified and TXT strings quoted.
  rdata = {
    for key, record in var.records : key => (
      record.type == "TXT" ? join(" ", [for chunk in lookup(local.txt_chunks, key, []) : "\"${chunk}\""]) :
      contains(["MX", "CNAME"], record.type) ? "${record.value}." :
      record.value
    )
  }

  # The provider quotes TXT values itself; "" marks where a long one is split.
  route53_values = {
    for key, record in var.records : key => (
      record.type == "TXT" ? join("\"\"", lookup(local.txt_chunks, key, [])) : local.rdata[key]
    )
  }

  zone_names = {
    for key, record in var.records : key => (
      record.name == var.domain ? "@" : trimsuffix(record.name, ".${var.domain}")
    )
  }

  zone_lines = [
    for key in sort(keys(var.records)) :
    format("%-50s %6d IN %-5s %s", local.zone_names[key], var.records[key].ttl, var.records[key].type, local.rdata[key])
  ]
}

resource "aws_route53_record" "this" {
  for_each = local.route53_records

  zone_id = var.route53_zone_id
  name    = each.value.name
  type    = each.value.type
  ttl     = each.value.ttl
  records = [local.route53_values[each.key]]

  # A record someone already published by hand is a conflict to resolve, not
  # something to replace silently.
  allow_overwrite = false
}
