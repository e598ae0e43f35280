output "url" {
  description = "Where senders fetch the policy."
  value       = "https://${local.host}/.well-known/mta-sts.txt"
}

output "distribution_domain_name" {
  description = "CloudFront's name for the distribution: mta-sts.<domain> is a CNAME to it."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "validation_record" {
  description = "The DNS record ACM needs to issue the certificate: {name, type, value}."
  value = {
    name  = trimsuffix(one(aws_acm_certificate.this.domain_validation_options).resource_record_name, ".")
    type  = one(aws_acm_certificate.this.domain_validation_options).resource_record_type
    value = trimsuffix(one(aws_acm_certificate.this.domain_validation_options).resource_record_value, ".")
  }
}

output "bucket_name" {
  description = "The private bucket holding the policy."
  value       = aws_s3_bucket.this.id
}

output "certificate_arn" {
  description = "The ACM certificate (us-east-1) of mta-sts.<domain>."
  value       = aws_acm_certificate.this.arn
}

output "distribution" {
  description = "The CloudFront distribution resource (for tests and callers that attach more)."
  value       = aws_cloudfront_distribution.this
}

output "public_access_block" {
  description = "The bucket's public access block."
  value       = aws_s3_bucket_public_access_block.this
}

output "policy_object" {
  description = "The S3 object holding the policy."
  value       = aws_s3_object.policy
}

output "certificate" {
  description = "The ACM certificate resource."
  value       = aws_acm_certificate.this
}
