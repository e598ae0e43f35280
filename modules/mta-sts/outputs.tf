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
