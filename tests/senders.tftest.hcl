# Senders declared in code: each is one aws_lambda_invocation (CRUD) of the credentials function, its
# generation taken from what the function observes at plan; bad declarations fail at plan.
mock_provider "aws" {
  alias  = "us_east_1"
  source = "./tests/mocks/us_east_1"
}

mock_provider "aws" {
  source = "./tests/mocks/aws"
}

variables {
  domain = "example.com"
  senders = {
    alice = { from = ["alice@example.com", "Info@example.com"], forward_to = "alice@gmail.com", limits = { per_hour = 20 } }
    bob   = { from = ["*@example.com"] }
  }
}

# The function exists (its ARN is known): the plan reads the data source, as every plan after the first.
override_resource {
  target          = module.credentials.module.credentials_function.aws_lambda_function.this
  override_during = plan
  values          = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:ses-smtp-credentials" }
}

# What the credentials function answers an observe request for senders it does not have yet.
override_data {
  target          = data.aws_lambda_invocation.senders_observed
  override_during = plan
  values = {
    result = "{\"ok\":true,\"senders\":{\"alice\":{\"generation\":0,\"managed_by\":null,\"differs\":[\"missing\"]},\"bob\":{\"generation\":0,\"managed_by\":null,\"differs\":[\"missing\"]}}}"
  }
}

run "each_declared_sender_is_a_crud_invocation_of_the_credentials_function" {
  command = plan

  assert {
    condition     = alltrue([for sender in aws_lambda_invocation.sender : sender.lifecycle_scope == "CRUD" && sender.function_name == "ses-smtp-credentials"])
    error_message = "Only lifecycle_scope CRUD sends update and delete to the function."
  }

  assert {
    condition = jsondecode(aws_lambda_invocation.sender["alice"].input) == {
      action     = "declare"
      name       = "alice"
      generation = 1
      from       = ["alice@example.com", "Info@example.com"]
      forward_to = "alice@gmail.com"
      limits     = { per_hour = 20 }
    }
    error_message = "A new sender is declared with generation 1 and only the limits it sets."
  }

  assert {
    condition     = jsondecode(aws_lambda_invocation.sender["bob"].input).forward_to == null && jsondecode(aws_lambda_invocation.sender["bob"].input).limits == {}
    error_message = "Unset forward_to and limits are sent as none (the function then uses the module's defaults)."
  }
}

run "a_sender_as_declared_keeps_its_generation" {
  command = plan

  override_data {
    target          = data.aws_lambda_invocation.senders_observed
    override_during = plan
    values = {
      result = "{\"ok\":true,\"senders\":{\"alice\":{\"generation\":3,\"managed_by\":\"terraform\",\"differs\":[]},\"bob\":{\"generation\":1,\"managed_by\":\"terraform\",\"differs\":[]}}}"
    }
  }

  assert {
    condition     = jsondecode(aws_lambda_invocation.sender["alice"].input).generation == 3
    error_message = "A sender as declared keeps the generation in state: the second plan is clean."
  }
}

run "a_sender_changed_outside_terraform_gets_the_next_generation" {
  command = plan

  override_data {
    target          = data.aws_lambda_invocation.senders_observed
    override_during = plan
    values = {
      result = "{\"ok\":true,\"senders\":{\"alice\":{\"generation\":3,\"managed_by\":\"terraform\",\"differs\":[\"forward_to\"]},\"bob\":{\"generation\":1,\"managed_by\":\"terraform\",\"differs\":[]}}}"
    }
  }

  assert {
    condition     = jsondecode(aws_lambda_invocation.sender["alice"].input).generation == 4
    error_message = "Drift changes the input, so the plan shows an update and the apply puts the declaration back."
  }

  assert {
    condition     = jsondecode(aws_lambda_invocation.sender["bob"].input).generation == 1
    error_message = "Only the sender that drifted changes."
  }
}

run "no_senders_asks_the_function_nothing" {
  command = plan

  variables {
    senders = {}
  }

  assert {
    condition     = length(data.aws_lambda_invocation.senders_observed) == 0 && length(aws_lambda_invocation.sender) == 0
    error_message = "Without declared senders the module does not invoke the function at plan."
  }
}

run "rejects_an_uppercase_sender_name" {
  command = plan

  variables {
    senders = { Alice = { from = ["alice@example.com"] } }
  }

  expect_failures = [var.senders]
}

run "rejects_a_sender_name_too_long_for_iam" {
  command = plan

  variables {
    senders = { "${join("", [for i in range(56) : "a"])}" = { from = ["alice@example.com"] } }
  }

  expect_failures = [var.senders]
}

run "rejects_an_address_outside_the_domain" {
  command = plan

  variables {
    senders = { alice = { from = ["alice@example.org"] } }
  }

  expect_failures = [var.senders]
}

run "rejects_an_address_of_a_subdomain" {
  command = plan

  variables {
    senders = { alice = { from = ["alice@mail.example.com"] } }
  }

  expect_failures = [var.senders]
}

run "rejects_a_sender_without_addresses" {
  command = plan

  variables {
    senders = { alice = { from = [] } }
  }

  expect_failures = [var.senders]
}

run "rejects_five_exact_addresses" {
  command = plan

  variables {
    senders = { alice = { from = ["a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"] } }
  }

  expect_failures = [var.senders]
}

run "rejects_one_address_granted_to_two_senders" {
  command = plan

  variables {
    senders = {
      alice = { from = ["alice@example.com"] }
      bob   = { from = ["bob@example.com", "Alice@Example.com"] }
    }
  }

  expect_failures = [var.senders]
}

run "rejects_forwarding_into_the_domain_itself" {
  command = plan

  variables {
    senders = { alice = { from = ["alice@example.com"], forward_to = "alice@example.com" } }
  }

  expect_failures = [var.senders]
}

run "rejects_a_forward_to_that_is_not_an_address" {
  command = plan

  variables {
    senders = { alice = { from = ["alice@example.com"], forward_to = "alice at gmail" } }
  }

  expect_failures = [var.senders]
}

run "rejects_a_limit_of_zero" {
  command = plan

  variables {
    senders = { alice = { from = ["alice@example.com"], limits = { per_day = 0 } } }
  }

  expect_failures = [var.senders]
}

run "rejects_a_rate_above_one" {
  command = plan

  variables {
    senders = { alice = { from = ["alice@example.com"], limits = { max_bounce_rate = 5 } } }
  }

  expect_failures = [var.senders]
}
