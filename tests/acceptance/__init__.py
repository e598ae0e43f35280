"""The acceptance kit: send as a sender over real SMTP and check each reply against docs/security.md.

One code path, two targets: `--target aws` (`make test-aws`) deploys tests/fixtures/aws-acceptance to a
sandbox account and sends through SES's own SMTP endpoint; `--target local` runs the same cases against
the local stack (`ses-smtp local up`), which is how `make test` tests the kit itself
(tests/integration/test_acceptance_kit_on_local_stack.py). docs/acceptance.md says how to run it.
"""
