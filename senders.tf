# Senders declared in code (var.senders). Terraform asks the credentials function to create, change and
# delete each one through the AWS provider alone: aws_lambda_invocation with lifecycle_scope = "CRUD" adds
# a `tf` key to the input (create/update/delete, and the previous input on update and delete). The
# function's answers hold no key and no secret, so nothing secret enters state or plan.
#
# Drift: the resource's Read does nothing, so a change made outside Terraform (`ses-smtp users update
# --force`) would never show. The data source below asks the function at every plan how each declared
# sender stands; a sender that differs from its declaration gets the next generation in its input, which
# Terraform shows as an update and applies (the function then sets what is declared and records that
# generation). Once it is as declared, the observed generation is the one in state: the plan is clean.

locals {
  contract = jsondecode(file("${path.module}/functions/ses_smtp/contract.json"))
  declared_senders = {
    for name, sender in var.senders : name => {
      from       = sender.from
      forward_to = sender.forward_to
      limits     = { for limit, value in sender.limits : limit => value if value != null }
    }
  }
  observed_senders = length(var.senders) == 0 ? {} : jsondecode(data.aws_lambda_invocation.senders_observed[0].result).senders
}

data "aws_lambda_invocation" "senders_observed" {
  count = length(var.senders) == 0 ? 0 : 1

  # The ARN, unknown until the function exists: the first plan does not ask a function that is not there.
  function_name = module.credentials.credentials_function_arn
  input         = jsonencode({ action = local.contract.requests.observe, declared = local.declared_senders })
}

resource "aws_lambda_invocation" "sender" {
  for_each = var.senders

  function_name   = module.credentials.credentials_function_name
  lifecycle_scope = "CRUD"
  input = jsonencode(merge(local.declared_senders[each.key], {
    action = local.contract.requests.declare
    name   = each.key
    generation = (
      local.observed_senders[each.key].generation + (length(local.observed_senders[each.key].differs) == 0 ? 0 : 1)
    )
  }))

  # Deleting a sender needs the function, its role, the table and the key: destroyed after them, never before.
  depends_on = [module.credentials, module.encryption]
}
