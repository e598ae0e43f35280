"""Administrator side: the ses-smtp CLI and what it needs (Terraform outputs). Not shipped to Lambda."""
