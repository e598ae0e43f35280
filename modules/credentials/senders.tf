# Senders: IAM users under one path, with a boundary that allows nothing but ses:SendRawEmail on this
# identity and configuration set, and one inline policy each (put by the credentials function) naming
# the From addresses granted to that sender.

data "aws_iam_policy_document" "sender_boundary" {
  statement {
    sid       = "NothingButSendingMailAsThisDomain"
    actions   = ["ses:SendRawEmail"]
    resources = [var.identity_arn, var.configuration_set_arn]
  }
}

resource "aws_iam_policy" "sender_boundary" {
  name        = local.boundary_name
  path        = local.group_path
  description = "Permissions boundary of ses-smtp senders: at most ses:SendRawEmail."
  policy      = data.aws_iam_policy_document.sender_boundary.json
  tags        = var.tags
}

# DEPRECATED, removed in the next major version. Senders of earlier versions are in this group, with
# their grants in tags. It stays for one version so they keep sending until the credentials function
# (its scheduled run, or `ses-smtp users retire`) has given each its own From policy and taken it out:
# IAM refuses to delete a group that has members, so destroying it now would fail the upgrade's apply.
# Nobody is ever added to it again.
resource "aws_iam_group" "senders" {
  name = local.group_name
  path = local.group_path
}

data "aws_iam_policy_document" "senders" {
  statement {
    sid       = "SendFromGrantedAddressesOnly"
    actions   = ["ses:SendRawEmail"]
    resources = [var.identity_arn, var.configuration_set_arn]

    # Each value is a policy variable; a tag the user does not have matches nothing.
    condition {
      test     = "StringLike"
      variable = "ses:FromAddress"
      values = concat(
        [for tag in local.from_address_tags : "$${aws:PrincipalTag/${tag}}"],
        ["*$${aws:PrincipalTag/${local.from_domain_tag}}"],
      )
    }
  }
}

resource "aws_iam_group_policy" "senders" {
  name   = "send-as-granted"
  group  = aws_iam_group.senders.name
  policy = data.aws_iam_policy_document.senders.json
}
