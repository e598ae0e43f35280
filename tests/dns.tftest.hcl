# modules/dns on its own: the records it is given plus DMARC, MTA-STS and TLS-RPT, as data, as a zone
# file, and in Route53 when a zone is given. What the root module feeds it (DKIM, MAIL FROM, the
# defaults) is in tests/root.tftest.hcl.
mock_provider "aws" {
  source = "./tests/mocks/aws"
}

variables {
  domain         = "example.com"
  dns_record_ttl = 1800
  records = {
    mail-from-mx  = { name = "mail.example.com", type = "MX", value = "10 feedback-smtp.eu-west-1.amazonses.com", ttl = 1800, purpose = "MAIL FROM MX" }
    mail-from-spf = { name = "mail.example.com", type = "TXT", value = "v=spf1 include:amazonses.com -all", ttl = 1800, purpose = "MAIL FROM SPF" }
  }
  dmarc = { policy = "none", rua = [], ruf = [], adkim = "r", aspf = "r" }
}

run "no_route53_records_without_a_zone" {
  command = plan

  module {
    source = "./modules/dns"
  }

  assert {
    condition     = length(aws_route53_record.this) == 0 && length(aws_route53_record.mta_sts_host) == 0
    error_message = "Without a zone the module must create no DNS records."
  }
  assert {
    condition     = length(output.records) == 3
    error_message = "Without a zone the records are still returned as data."
  }
}

run "route53_records_with_a_zone" {
  command = plan

  module {
    source = "./modules/dns"
  }

  variables {
    existing_route53_zone = { id = "Z0123456789ABCDEFGHIJ" }
  }

  assert {
    condition     = keys(aws_route53_record.this) == ["dmarc", "mail-from-mx", "mail-from-spf"]
    error_message = "With a zone every record given, and DMARC, must be created in Route53."
  }
  assert {
    condition     = alltrue([for record in aws_route53_record.this : record.zone_id == "Z0123456789ABCDEFGHIJ" && record.allow_overwrite == false])
    error_message = "Records must go into the given zone and never overwrite an existing record."
  }
  assert {
    condition     = aws_route53_record.this["mail-from-spf"].records == toset(["v=spf1 include:amazonses.com -all"])
    error_message = "TXT values go to Route53 unquoted; the provider quotes them."
  }
  assert {
    condition     = aws_route53_record.this["mail-from-mx"].records == toset(["10 feedback-smtp.eu-west-1.amazonses.com."])
    error_message = "MX hosts go to Route53 fully qualified."
  }
}

run "hosted_mta_sts_publishes_validation_record_and_host_in_the_zone" {
  command = plan

  module {
    source = "./modules/dns"
  }

  variables {
    existing_route53_zone = { id = "Z0123456789ABCDEFGHIJ" }
    mta_sts_host_target   = "d111111abcdef8.cloudfront.net"
    mta_sts = {
      policy_id  = "0123456789abcdef0123"
      hosted     = true
      validation = { name = "_0123456789abcdef.mta-sts.example.com", type = "CNAME", value = "_fedcba9876543210.acm-validations.aws" }
    }
  }

  assert {
    condition     = contains(keys(aws_route53_record.this), "mta-sts-certificate") && contains(keys(aws_route53_record.this), "mta-sts")
    error_message = "With a zone, the validation record and _mta-sts are created in Route53."
  }
  assert {
    condition     = length(aws_route53_record.this) + length(aws_route53_record.mta_sts_host) == length(output.records)
    error_message = "With a zone, every record (the mta-sts CNAME to CloudFront included) is created."
  }
  assert {
    condition     = one(aws_route53_record.mta_sts_host).records == toset(["d111111abcdef8.cloudfront.net"])
    error_message = "mta-sts.<domain> must point at CloudFront."
  }
}

run "a_long_txt_value_is_split_into_255_character_strings" {
  command = plan

  module {
    source = "./modules/dns"
  }

  variables {
    existing_route53_zone = { id = "Z0123456789ABCDEFGHIJ" }
    records = {
      long = { name = "long.example.com", type = "TXT", value = join("", [for i in range(300) : "a"]), ttl = 1800, purpose = "a long TXT value" }
    }
  }

  assert {
    condition     = one(aws_route53_record.this["long"].records) == "${join("", [for i in range(255) : "a"])}\"\"${join("", [for i in range(45) : "a"])}"
    error_message = "A TXT value over 255 characters must reach Route53 as strings of at most 255."
  }
  assert {
    condition     = strcontains(output.zone_file, "\"${join("", [for i in range(255) : "a"])}\" \"${join("", [for i in range(45) : "a"])}\"")
    error_message = "The zone file must quote each 255-character string of a long TXT value."
  }
}
