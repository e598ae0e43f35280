# Every alarm of the deployment, the alerts topic they notify and the dashboard. Metrics are named,
# not read from resources: the alarms watch what the functions publish and what AWS publishes for
# the queues and functions the other modules make.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  # Names and values the functions use too (one file, read by both sides).
  contract   = jsondecode(file("${path.module}/../../functions/ses_smtp/contract.json"))
  account_id = data.aws_caller_identity.current.account_id
}
