# Bring-your-own inputs created in the same apply as the module: at plan their values are unknown,
# yet whether each is given must be known (no "Invalid count argument", no "Invalid for_each
# argument"). The mock providers leave the key's, topic's and zone's computed values unknown at plan,
# as AWS would (tests/mocks pins only data sources and policy JSON).
mock_provider "aws" {
  source = "./tests/mocks/aws"
}

mock_provider "aws" {
  alias  = "us_east_1"
  source = "./tests/mocks/us_east_1"
}

run "a_key_topic_and_zone_created_in_the_same_apply_plan" {
  command = plan

  module {
    source = "./tests/fixtures/byo-created-in-same-apply"
  }

  assert {
    condition     = alltrue([for records in output.dns_records : length(records) > 0])
    error_message = "Both deployments must plan their DNS records in a zone created in the same apply."
  }
}
