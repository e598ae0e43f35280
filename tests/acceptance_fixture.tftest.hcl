# The deployment `make test-aws` applies (tests/fixtures/aws-acceptance), planned with the mock
# providers: the acceptance kit's inputs pass the module's validations, and the outputs it reads back
# name this deployment's own path and names.
mock_provider "aws" {
  alias  = "us_east_1"
  source = "./tests/mocks/us_east_1"
}

mock_provider "aws" {
  source = "./tests/mocks/aws"
}

run "the_acceptance_deployment_plans_with_the_kits_inputs" {
  command = plan

  module {
    source = "./tests/fixtures/aws-acceptance"
  }

  variables {
    region               = "eu-west-1"
    domain               = "ses-acceptance.example.org"
    route53_zone_id      = "Z0123456789ABCDEFGHIJ"
    admin_principal_arns = ["arn:aws:iam::123456789012:role/platform-admins"]
  }

  assert {
    condition     = output.senders_path == "/ses-smtp-acceptance/senders/"
    error_message = "The kit removes leftover senders under /<name_prefix>/senders/ (tests/acceptance/targets.py)."
  }
  assert {
    condition     = output.credentials_function_name == "ses-smtp-acceptance-credentials"
    error_message = "The kit's deployment has names of its own, apart from any ses-smtp deployment in the account."
  }
}
