terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.80, < 7.0"
      # CloudFront takes certificates from us-east-1 only (MTA-STS hosting); pass your default
      # provider here when it is already in us-east-1.
      configuration_aliases = [aws.us_east_1]
    }
  }
}
