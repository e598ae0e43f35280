# Serverless MTA-STS policy hosting: a private bucket, read only by one CloudFront distribution, served
# at https://mta-sts.<domain>/.well-known/mta-sts.txt with a certificate from ACM in us-east-1 (the
# region CloudFront takes certificates from). No fixed monthly cost: requests and bytes only.

locals {
  host = "mta-sts.${var.domain}"
  # Managed CloudFront policies (ids are fixed by AWS). No caching: senders cache the policy for
  # max_age themselves, and a changed policy must be served as soon as its id changes in DNS.
  caching_disabled_policy_id = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  security_headers_policy_id = "67f7725c-6f97-4210-82d7-5512b31e9d03"
}

data "aws_caller_identity" "current" {}

resource "aws_acm_certificate" "this" {
  provider = aws.us_east_1

  domain_name       = local.host
  validation_method = "DNS"
  key_algorithm     = "EC_prime256v1"
  tags              = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_acm_certificate_validation" "this" {
  provider = aws.us_east_1

  certificate_arn = aws_acm_certificate.this.arn
  # The record is published from this module's validation_record output (modules/dns, or by hand), so
  # its name comes from the certificate: this module reads nothing back from the one publishing it.
  validation_record_fqdns = var.route53_records_enabled ? [for option in aws_acm_certificate.this.domain_validation_options : trimsuffix(option.resource_record_name, ".")] : null
}

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:Access logs of a one-file public policy would cost more than they tell; CloudFront's metrics cover it.
  #checkov:skip=CKV_AWS_144:The policy is rebuilt from Terraform in any region; replication adds cost, not safety.
  #checkov:skip=CKV_AWS_145:SSE-S3: the policy is public by design, and CloudFront's OAC reads SSE-KMS only with an extra key grant.
  #checkov:skip=CKV2_AWS_62:No consumer for event notifications of a file Terraform writes.
  bucket_prefix = "${var.name_prefix}-mta-sts-"
  force_destroy = true # holds only the generated policy
  tags          = var.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "old-policies"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_object" "policy" {
  bucket       = aws_s3_bucket.this.id
  key          = ".well-known/mta-sts.txt"
  content      = var.policy
  content_type = "text/plain"
  etag         = md5(var.policy)
  tags         = var.tags
}

data "aws_iam_policy_document" "bucket" {
  statement {
    sid       = "CloudFrontReadsThePolicy"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.this.arn}/.well-known/mta-sts.txt"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.this.arn]
    }
  }

  statement {
    sid       = "TlsOnly"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.bucket.json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_cloudfront_origin_access_control" "this" {
  name                              = "${var.name_prefix}-mta-sts-${data.aws_caller_identity.current.account_id}"
  description                       = "MTA-STS policy bucket of ${var.domain}"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_distribution" "this" {
  #checkov:skip=CKV_AWS_68:WAF costs a fixed monthly fee; the distribution serves one public, static file.
  #checkov:skip=CKV2_AWS_47:WAF (see above).
  #checkov:skip=CKV_AWS_86:Access logs of a one-file public policy would cost more than they tell.
  #checkov:skip=CKV_AWS_310:A single origin: S3 is the only copy and is regional-redundant already.
  #checkov:skip=CKV_AWS_374:Mail servers anywhere must be able to fetch the policy.
  #checkov:skip=CKV_AWS_305:No root object: only /.well-known/mta-sts.txt exists.
  #checkov:skip=CKV2_AWS_32:AWS's managed SecurityHeadersPolicy is attached by id below (checkov only sees policy resources).
  enabled         = true
  comment         = "MTA-STS policy of ${var.domain}"
  aliases         = [local.host]
  price_class     = "PriceClass_100"
  http_version    = "http2and3"
  is_ipv6_enabled = true
  tags            = var.tags

  origin {
    origin_id                = "policy"
    domain_name              = aws_s3_bucket.this.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.this.id
  }

  default_cache_behavior {
    target_origin_id           = "policy"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    cache_policy_id            = local.caching_disabled_policy_id
    response_headers_policy_id = local.security_headers_policy_id
    compress                   = true
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate_validation.this.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}
