"""The local stack: an AWS emulator, Terraform against it, and the functions run in-process.

Nothing here is packaged into the Lambda functions.
"""
