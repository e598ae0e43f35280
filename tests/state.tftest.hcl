# modules/state on its own: the credentials table every function reads and writes, its resource policy
# and the dependencies layer every function runs on, as the real provider renders them. No AWS call is
# made: `make test-terraform` sets fake credentials, and the one data source that would call STS is
# pinned.
provider "aws" {
  region                      = "eu-west-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variables {
  name_prefix                                   = "ses-smtp"
  table_name                                    = "ses-smtp-credentials"
  kms_key_arn                                   = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  writer_role_names                             = ["ses-smtp-credentials", "ses-smtp-events"]
  credentials_table_deletion_protection_enabled = true
  lambda_package_dir                            = "functions/dist"
  lambda_runtime                                = "python3.13"
  tags                                          = {}
}

override_data {
  target          = data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012" }
}

run "the_table_is_on_demand_encrypted_recoverable_and_protected" {
  command = plan

  module {
    source = "./modules/state"
  }

  assert {
    condition     = aws_dynamodb_table.this.billing_mode == "PAY_PER_REQUEST"
    error_message = "The table must be on-demand."
  }
  assert {
    condition     = one(aws_dynamodb_table.this.point_in_time_recovery).enabled
    error_message = "Point-in-time recovery must be on."
  }
  assert {
    condition     = one(aws_dynamodb_table.this.server_side_encryption).kms_key_arn == "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    error_message = "The table must be encrypted with the module's key."
  }
  assert {
    condition     = aws_dynamodb_table.this.deletion_protection_enabled
    error_message = "Deletion protection must be on by default."
  }
}

run "only_the_writer_roles_write_table_items" {
  command = plan

  module {
    source = "./modules/state"
  }

  assert {
    condition = jsondecode(data.aws_iam_policy_document.table.json).Statement[0].Effect == "Deny" && toset(
      jsondecode(data.aws_iam_policy_document.table.json).Statement[0].Condition.ArnNotEquals["aws:PrincipalArn"]
    ) == toset(["arn:aws:iam::123456789012:role/ses-smtp-credentials", "arn:aws:iam::123456789012:role/ses-smtp-events"])
    error_message = "The table policy must deny item writes to everyone but the writer roles, named by their ARNs."
  }
  assert {
    condition = alltrue([for a in flatten([jsondecode(data.aws_iam_policy_document.table.json).Statement[0].Action]) :
    !contains(["dynamodb:UpdateTable", "dynamodb:DeleteTable", "dynamodb:PutResourcePolicy", "dynamodb:DeleteResourcePolicy", "dynamodb:*"], a)])
    error_message = "The table policy must not lock Terraform or administrators out of managing the table."
  }
}

run "bounce_history_is_read_by_sender_through_an_index" {
  command = plan

  module {
    source = "./modules/state"
  }

  assert {
    condition = anytrue([for index in aws_dynamodb_table.this.global_secondary_index :
    index.name == "by-sender" && index.hash_key == "history_sender" && index.range_key == "history_at" && index.projection_type == "ALL"])
    error_message = "The table must have the by-sender index that `ses-smtp events --sender` queries."
  }
}

run "every_function_runs_on_one_layer_built_for_arm64" {
  command = plan

  module {
    source = "./modules/state"
  }

  assert {
    condition     = aws_lambda_layer_version.dependencies.layer_name == "ses-smtp-dependencies" && aws_lambda_layer_version.dependencies.compatible_architectures == toset(["arm64"]) && aws_lambda_layer_version.dependencies.compatible_runtimes == toset(["python3.13"])
    error_message = "The layer must be published for the functions' architecture (arm64) and runtime."
  }
  assert {
    condition     = aws_lambda_layer_version.dependencies.source_code_hash == filebase64sha256("functions/dist/dependencies.zip")
    error_message = "A new dependencies zip must publish a new layer version."
  }
}
