# MTA-STS: the policy and its record, and the optional hosting (S3, CloudFront, ACM in us-east-1),
# with and without a Route53 zone. Mock providers; apply runs give computed values mock contents.
# The us-east-1 provider (MTA-STS certificates) and the default one, with the computed values runs
# depend on pinned in tests/mocks.
mock_provider "aws" {
  alias  = "us_east_1"
  source = "./tests/mocks/us_east_1"
}

mock_provider "aws" {
  source = "./tests/mocks/aws"
}

variables {
  domain = "example.com"
}

run "no_mta_sts_without_inbound_servers" {
  command = plan

  assert {
    condition     = output.mta_sts_policy == null && length(module.mta_sts) == 0
    error_message = "Without mta_sts_mx there is no policy and no hosting."
  }
  assert {
    condition     = length([for r in output.dns_records : r if can(regex("^_?mta-sts\\.", r.name))]) == 0
    error_message = "Without mta_sts_mx no MTA-STS record is published."
  }
}

run "policy_and_record_without_hosting" {
  command = plan

  variables {
    mta_sts_mx = ["mx1.example.com", "*.mx.example.net"]
  }

  assert {
    condition     = output.mta_sts_policy == "version: STSv1\r\nmode: testing\r\nmx: mx1.example.com\r\nmx: *.mx.example.net\r\nmax_age: 604800\r\n"
    error_message = "The policy must follow RFC 8461, testing mode and a week by default."
  }
  assert {
    condition     = can(regex("^v=STSv1; id=[0-9a-f]{20}$", one([for r in output.dns_records : r.value if r.name == "_mta-sts.example.com"])))
    error_message = "_mta-sts must carry v=STSv1 and an id of letters and digits."
  }
  assert {
    condition     = length(module.mta_sts) == 0 && output.mta_sts_certificate_validation_record == null
    error_message = "Hosting is off unless mta_sts_enabled."
  }
  assert {
    condition     = output.mta_sts_policy_url == "https://mta-sts.example.com/.well-known/mta-sts.txt"
    error_message = "The policy URL is fixed by RFC 8461."
  }
}

run "the_id_changes_with_the_policy" {
  command = plan

  variables {
    mta_sts_mx   = ["mx1.example.com", "*.mx.example.net"]
    mta_sts_mode = "enforce"
  }

  assert {
    condition     = one([for r in output.dns_records : r.value if r.name == "_mta-sts.example.com"]) != one([for r in run.policy_and_record_without_hosting.dns_records : r.value if r.name == "_mta-sts.example.com"])
    error_message = "Senders only refetch a policy whose id changed: a new mode must change the id."
  }
  assert {
    condition     = strcontains(output.mta_sts_policy, "mode: enforce\r\n")
    error_message = "The mode must follow mta_sts_mode."
  }
}

run "hosting_with_a_zone_creates_and_validates_everything" {
  command = apply

  variables {
    mta_sts_mx            = ["mx1.example.com"]
    mta_sts_enabled       = true
    existing_route53_zone = { id = "Z0123456789ABCDEFGHIJ" }
  }

  assert {
    condition     = module.mta_sts[0].url == "https://mta-sts.example.com/.well-known/mta-sts.txt"
    error_message = "The policy is served at mta-sts.<domain>."
  }
  assert {
    condition     = contains(keys(module.dns.route53_records), "mta-sts-certificate") && contains(keys(module.dns.route53_records), "mta-sts")
    error_message = "With a zone, the validation record and _mta-sts are created in Route53."
  }
  assert {
    condition     = length(module.dns.route53_record_fqdns) == length(output.dns_records)
    error_message = "With a zone, every record (the mta-sts CNAME to CloudFront included) is created."
  }
  assert {
    condition     = one([for r in output.dns_records : r.type if r.name == "mta-sts.example.com"]) == "CNAME"
    error_message = "mta-sts.<domain> must point at CloudFront."
  }
  assert {
    condition     = one([for r in output.dns_records : r.value if r.name == "_0123456789abcdef.mta-sts.example.com"]) == "_fedcba9876543210.acm-validations.aws"
    error_message = "ACM's validation record must be published as ACM gives it."
  }
}

run "hosting_serves_https_only_from_a_private_bucket" {
  command = plan

  variables {
    mta_sts_mx      = ["mx1.example.com"]
    mta_sts_enabled = true
  }

  assert {
    condition     = one(module.mta_sts[0].distribution.default_cache_behavior).viewer_protocol_policy == "redirect-to-https"
    error_message = "HTTP must redirect to HTTPS."
  }
  assert {
    condition     = one(module.mta_sts[0].distribution.viewer_certificate).minimum_protocol_version == "TLSv1.2_2021"
    error_message = "TLS 1.2 or later only."
  }
  assert {
    condition     = module.mta_sts[0].distribution.aliases == toset(["mta-sts.example.com"])
    error_message = "The distribution answers for mta-sts.<domain> only."
  }
  assert {
    condition     = alltrue([for flag in ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"] : module.mta_sts[0].public_access_block[flag]])
    error_message = "The bucket must be private: CloudFront reads it through origin access control."
  }
  assert {
    condition     = module.mta_sts[0].policy_object.content_type == "text/plain" && module.mta_sts[0].policy_object.key == ".well-known/mta-sts.txt"
    error_message = "RFC 8461: text/plain at /.well-known/mta-sts.txt."
  }
  assert {
    condition     = module.mta_sts[0].certificate.domain_name == "mta-sts.example.com" && module.mta_sts[0].certificate.validation_method == "DNS"
    error_message = "The certificate covers mta-sts.<domain>, validated through DNS."
  }
  assert {
    condition     = length(module.dns.route53_record_fqdns) == 0
    error_message = "Without a zone nothing is created in Route53."
  }
}

run "hosting_needs_inbound_servers" {
  command = plan

  variables {
    mta_sts_enabled = true
  }

  expect_failures = [var.mta_sts_enabled]
}
