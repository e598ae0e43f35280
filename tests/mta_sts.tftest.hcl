# modules/mta-sts on its own: the policy's hosting (private S3 bucket, CloudFront, an ACM certificate in
# us-east-1). The policy text and its DNS records are the root module's and the dns module's: see
# tests/root.tftest.hcl and tests/dns.tftest.hcl.
mock_provider "aws" {
  alias  = "us_east_1"
  source = "./tests/mocks/us_east_1"
}

mock_provider "aws" {
  source = "./tests/mocks/aws"
}

variables {
  domain      = "example.com"
  name_prefix = "ses-smtp"
  policy      = "version: STSv1\r\nmode: testing\r\nmx: mx1.example.com\r\nmax_age: 604800\r\n"
}

run "hosting_serves_https_only_from_a_private_bucket" {
  command = plan

  module {
    source = "./modules/mta-sts"
  }

  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  assert {
    condition     = one(aws_cloudfront_distribution.this.default_cache_behavior).viewer_protocol_policy == "redirect-to-https"
    error_message = "HTTP must redirect to HTTPS."
  }
  assert {
    condition     = one(aws_cloudfront_distribution.this.viewer_certificate).minimum_protocol_version == "TLSv1.2_2021"
    error_message = "TLS 1.2 or later only."
  }
  assert {
    condition     = aws_cloudfront_distribution.this.aliases == toset(["mta-sts.example.com"])
    error_message = "The distribution answers for mta-sts.<domain> only."
  }
  assert {
    condition     = alltrue([for flag in ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"] : aws_s3_bucket_public_access_block.this[flag]])
    error_message = "The bucket must be private: CloudFront reads it through origin access control."
  }
  assert {
    condition     = aws_s3_object.policy.content_type == "text/plain" && aws_s3_object.policy.key == ".well-known/mta-sts.txt"
    error_message = "RFC 8461: text/plain at /.well-known/mta-sts.txt."
  }
  assert {
    condition     = aws_s3_object.policy.content == "version: STSv1\r\nmode: testing\r\nmx: mx1.example.com\r\nmax_age: 604800\r\n"
    error_message = "The object must hold the policy exactly as given (CRLF line ends)."
  }
  assert {
    condition     = aws_acm_certificate.this.domain_name == "mta-sts.example.com" && aws_acm_certificate.this.validation_method == "DNS"
    error_message = "The certificate covers mta-sts.<domain>, validated through DNS."
  }
}

run "the_certificate_validation_names_its_own_record_when_route53_publishes_it" {
  command = plan

  module {
    source = "./modules/mta-sts"
  }

  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  variables {
    route53_records_enabled = true
  }

  override_resource {
    target          = aws_acm_certificate.this
    override_during = plan
    values = {
      arn = "arn:aws:acm:us-east-1:123456789012:certificate/mock"
      domain_validation_options = [{
        domain_name           = "mta-sts.example.com"
        resource_record_name  = "_0123456789abcdef.mta-sts.example.com."
        resource_record_type  = "CNAME"
        resource_record_value = "_fedcba9876543210.acm-validations.aws."
      }]
    }
  }

  assert {
    condition     = aws_acm_certificate_validation.this.validation_record_fqdns == toset(["_0123456789abcdef.mta-sts.example.com"])
    error_message = "With the records in Route53, the validation must name the certificate's own validation record (read from the certificate, not from modules/dns)."
  }
}

run "without_route53_the_certificate_validation_waits_for_the_certificate_alone" {
  command = plan

  module {
    source = "./modules/mta-sts"
  }

  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  assert {
    condition     = aws_acm_certificate_validation.this.validation_record_fqdns == null
    error_message = "A record published by hand has no Route53 name to wait for: the validation waits until ACM issues the certificate."
  }
}
