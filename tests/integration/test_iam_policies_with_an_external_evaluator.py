"""Every IAM/KMS promise, decided by @cloud-copilot/iam-simulate (an evaluator nobody on this project
wrote) on the policies as Terraform deployed them to the emulator and as the credentials function set
them on a real sender. Our own code only collects the policies and names the requests.

Shares the worker's deployment (conftest.py): the sender made here is deleted here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ses_smtp.admin import cli
from ses_smtp.admin.terraform import REPO_ROOT, TerraformRun
from ses_smtp_local.emulator import Emulator
from ses_smtp_local.smtp import Caller, LocalSes
from tests.integration.conftest import write_local_state

pytestmark = pytest.mark.integration

ACCOUNT = "123456789012"
EVALUATOR_DIR = REPO_ROOT / "tests" / "policies"
SENDER = "policy-alice"
GRANTED = "policy-alice@example.com"
DOMAIN_SENDER = "policy-team"  # granted *@example.com
PASSWORD_CONTEXT = {"purpose": "ses-smtp-password", "user": "ses-smtp-local-policy-alice", "access_key_id": "AKIA0"}
ADMINISTRATOR_ACCESS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


@dataclass(frozen=True)
class Row:
    """One request of the matrix: who asks for what, under which policies, and what AWS must answer."""

    id: str
    principal: str
    action: str
    resource: str
    expected: str  # "Allowed" or "Denied"
    source: str  # the policies that decide it, for the printed table
    identity: dict[str, Any] = field(default_factory=dict)  # name -> policy document
    boundary: dict[str, Any] | None = None
    resource_policy: dict[str, Any] | None = None
    context: dict[str, str | list[str]] = field(default_factory=dict)

    def simulation(self) -> dict[str, Any]:
        # AWS puts the caller's ARN and account in every request an IAM principal signs; the evaluator
        # does not add them itself (the table policy's Deny reads aws:PrincipalArn).
        signed = {"aws:PrincipalArn": self.principal, "aws:PrincipalAccount": ACCOUNT}
        simulation: dict[str, Any] = {
            "request": {
                "principal": self.principal,
                "action": self.action,
                "resource": {"resource": self.resource, "accountId": ACCOUNT},
                "contextVariables": self.context
                if self.principal.endswith(".amazonaws.com")
                else {**signed, **self.context},
            },
            "identityPolicies": [{"name": name, "policy": policy} for name, policy in self.identity.items()],
            "serviceControlPolicies": [],
            "resourceControlPolicies": [],
        }
        if self.boundary is not None:
            simulation["permissionBoundaryPolicies"] = [{"name": "boundary", "policy": self.boundary}]
        if self.resource_policy is not None:
            simulation["resourcePolicy"] = self.resource_policy
        return simulation


@dataclass(frozen=True)
class Deployed:
    """The policies as the emulator holds them after `terraform apply` and one `users create`."""

    key_arn: str
    key_policy: dict[str, Any]
    key_administrators: list[str]
    credentials_role: str
    credentials_policy: dict[str, Any]
    events_role: str
    events_policy: dict[str, Any]
    administrators_policy: dict[str, Any]
    boundary: dict[str, Any]
    boundary_arn: str
    sender_arn: str
    sender_policies: dict[str, Any]
    domain_sender_arn: str
    domain_sender_policies: dict[str, Any]
    identity_arn: str
    configuration_set_arn: str
    table_arn: str
    table_policy: dict[str, Any]
    scheduler_role: str
    scheduler_policy: dict[str, Any]
    scheduler_trust: dict[str, Any]
    schedule_arn: str
    credentials_function_arn: str
    events_function_arn: str


def _document(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else json.loads(value)


def _role(iam: Any, role_arn: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A role's name, its one inline policy and its trust policy."""
    name = role_arn.rsplit("/", 1)[1]
    (policy_name,) = iam.list_role_policies(RoleName=name)["PolicyNames"]
    policy = _document(iam.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"])
    trust = _document(iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"])
    return role_arn, policy, trust


def _sender_policies(iam: Any, user: str, groups: list[str]) -> dict[str, Any]:
    """Every identity policy of the sender: its own inline policies and its groups' (as IAM combines them)."""
    policies = {
        f"user:{name}": _document(iam.get_user_policy(UserName=user, PolicyName=name)["PolicyDocument"])
        for name in iam.list_user_policies(UserName=user)["PolicyNames"]
    }
    for group in groups:
        for name in iam.list_group_policies(GroupName=group)["PolicyNames"]:
            document = iam.get_group_policy(GroupName=group, PolicyName=name)["PolicyDocument"]
            policies[f"group:{group}:{name}"] = _document(document)
    return policies


def _users_command(emulator: Emulator, state_file: Path, *command: str) -> int:
    """`ses-smtp --local STATE users ...` as an administrator runs it on the local stack."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in emulator.environment().items():
            patch.setenv(name, value)
        patch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
        return cli.main(["--local", str(state_file), "users", "--invoke", "in-process", "--json", *command])


@pytest.fixture(scope="module")
def deployed(
    deployment: TerraformRun, emulator: Emulator, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployed]:
    outputs = deployment.outputs()
    state_file = write_local_state(emulator, outputs, tmp_path_factory.mktemp("policy-stack"))
    session = emulator.session()
    iam, kms, lambda_ = session.client("iam"), session.client("kms"), session.client("lambda")
    try:
        created = _users_command(emulator, state_file, "create", SENDER, "--from", GRANTED)
        assert created == 0, "creating the sender the matrix evaluates failed"
        created = _users_command(emulator, state_file, "create", DOMAIN_SENDER, "--from", "*@example.com")
        assert created == 0, "creating the *@domain sender the matrix evaluates failed"
        yield _collect(outputs, session, iam, kms, lambda_)
    finally:
        for name in (SENDER, DOMAIN_SENDER):
            _users_command(emulator, state_file, "delete", name, "--yes")


def _collect(outputs: dict[str, Any], session: Any, iam: Any, kms: Any, lambda_: Any) -> Deployed:
    config = outputs["admin_config"]
    key_arn = config["kms_key_arn"]
    key_policy = _document(kms.get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"])
    (administration,) = [s for s in key_policy["Statement"] if s.get("Sid") == "KeyAdministration"]
    credentials = lambda_.get_function_configuration(FunctionName=config["credentials_function_name"])
    events = lambda_.get_function_configuration(FunctionName=config["events_function_name"])
    credentials_role, credentials_policy, _ = _role(iam, credentials["Role"])
    events_role, events_policy, _ = _role(iam, events["Role"])
    boundary_arn = credentials["Environment"]["Variables"]["PERMISSIONS_BOUNDARY_ARN"]
    version = iam.get_policy(PolicyArn=boundary_arn)["Policy"]["DefaultVersionId"]
    boundary = _document(iam.get_policy_version(PolicyArn=boundary_arn, VersionId=version)["PolicyVersion"]["Document"])
    user = iam.get_user(UserName=f"ses-smtp-local-{SENDER}")["User"]
    domain_user = iam.get_user(UserName=f"ses-smtp-local-{DOMAIN_SENDER}")["User"]
    table = session.client("dynamodb").describe_table(TableName=config["credentials_table_name"])["Table"]
    table_policy = session.client("dynamodb").get_resource_policy(ResourceArn=table["TableArn"])["Policy"]
    schedule = session.client("scheduler").get_schedule(Name="ses-smtp-local-rotation")
    scheduler_role, scheduler_policy, scheduler_trust = _role(iam, schedule["Target"]["RoleArn"])
    return Deployed(
        key_arn=key_arn,
        key_policy=key_policy,
        key_administrators=[administration["Principal"]["AWS"]] if isinstance(
            administration["Principal"]["AWS"], str) else administration["Principal"]["AWS"],
        credentials_role=credentials_role,
        credentials_policy=credentials_policy,
        events_role=events_role,
        events_policy=events_policy,
        administrators_policy=_document(outputs["administrators_policy_json"]),
        boundary=boundary,
        boundary_arn=boundary_arn,
        sender_arn=user["Arn"],
        sender_policies=_sender_policies(iam, user["UserName"], _groups(iam, user["UserName"])),
        domain_sender_arn=domain_user["Arn"],
        domain_sender_policies=_sender_policies(iam, domain_user["UserName"], _groups(iam, domain_user["UserName"])),
        identity_arn=config["identity_arn"],
        configuration_set_arn=outputs["configuration_set_arn"],
        table_arn=table["TableArn"],
        table_policy=_document(table_policy),
        scheduler_role=scheduler_role,
        scheduler_policy=scheduler_policy,
        scheduler_trust=scheduler_trust,
        schedule_arn=schedule["Arn"],
        credentials_function_arn=credentials["FunctionArn"],
        events_function_arn=events["FunctionArn"],
    )  # fmt: skip


def _groups(iam: Any, user: str) -> list[str]:
    return [g["GroupName"] for g in iam.list_groups_for_user(UserName=user)["Groups"]]


def _sender(d: Deployed, action: str, resource: str, from_address: str | None = None, domain: bool = False) -> Row:
    """A request by policy-alice (granted GRANTED), or with domain=True by policy-team (granted *@example.com)."""
    context: dict[str, str | list[str]] = {} if from_address is None else {"ses:FromAddress": from_address}
    return Row(
        id="",
        principal=d.domain_sender_arn if domain else d.sender_arn,
        action=action,
        resource=resource,
        expected="",
        source="sender's From policy + boundary",
        identity=d.domain_sender_policies if domain else d.sender_policies,
        boundary=d.boundary,
        context=context,
    )


def _credentials_role(d: Deployed, action: str, resource: str, **context: str) -> Row:
    uses_key = action.startswith("kms:")
    return Row(
        id="",
        principal=d.credentials_role,
        action=action,
        resource=resource,
        expected="",
        source="credentials role" + (" + key policy" if uses_key else ""),
        identity={"credentials": d.credentials_policy},
        resource_policy=d.key_policy if uses_key else None,
        context=dict(context),
    )


def _key(
    d: Deployed, principal: str, action: str, identity: dict[str, Any], source: str, **context: str | list[str]
) -> Row:
    return Row(
        id="",
        principal=principal,
        action=action,
        resource=d.key_arn,
        expected="",
        source=source,
        identity=identity,
        resource_policy=d.key_policy,
        context=dict(context),
    )


def _admin(d: Deployed, action: str, resource: str) -> Row:
    """A request by an administrator who holds administrators_policy_json."""
    return Row(
        id="",
        principal=ADMIN,
        action=action,
        resource=resource,
        expected="",
        source="administrators policy",
        identity={"administrators": d.administrators_policy},
    )


def _password_context(**overrides: str) -> dict[str, str | list[str]]:
    context = {**PASSWORD_CONTEXT, **overrides}
    return {
        **{f"kms:EncryptionContext:{key}": value for key, value in context.items()},
        "kms:EncryptionContextKeys": sorted(context),
    }


def _with(row: Row, **changes: Any) -> Row:
    return Row(**{**row.__dict__, **changes})


def _users_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:user/ses-smtp-local/senders/{name}"


OTHER_IDENTITY = f"arn:aws:ses:eu-west-1:{ACCOUNT}:identity/other.example"
OTHER_CONFIGURATION_SET = f"arn:aws:ses:eu-west-1:{ACCOUNT}:configuration-set/other"
ADMIN = f"arn:aws:iam::{ACCOUNT}:user/local-admin"
NOTICES_FROM = "no-reply@example.com"  # examples/local's rotation notices: the default no-reply@<domain>
QUEUES = f"arn:aws:sqs:eu-west-1:{ACCOUNT}"
ALARMS = f"arn:aws:cloudwatch:eu-west-1:{ACCOUNT}:alarm"
ACCOUNT_ADMIN = f"arn:aws:iam::{ACCOUNT}:role/AccountAdministrator"

# id -> (expected, how to build the request from what was deployed)
MATRIX: dict[str, tuple[str, Any]] = {
    # Senders: SendRawEmail From their grants, on this identity and configuration set, nothing else.
    "sender-sends-from-granted-address": ("Allowed", lambda d: _sender(d, "ses:SendRawEmail", d.identity_arn, GRANTED)),
    "sender-sends-through-the-configuration-set": (
        "Allowed", lambda d: _sender(d, "ses:SendRawEmail", d.configuration_set_arn, GRANTED)),
    "sender-sends-from-granted-address-in-mixed-case": (
        "Allowed", lambda d: _sender(d, "ses:SendRawEmail", d.identity_arn, "Policy-Alice@Example.COM")),
    "sender-cannot-send-from-another-address-of-the-domain": (
        "Denied", lambda d: _sender(d, "ses:SendRawEmail", d.identity_arn, "ceo@example.com")),
    "sender-cannot-send-from-a-longer-address": (
        "Denied", lambda d: _sender(d, "ses:SendRawEmail", d.identity_arn, "policy-alice@example.com.evil.example")),
    "domain-sender-sends-from-any-address-of-the-domain": (
        "Allowed", lambda d: _sender(d, "ses:SendRawEmail", d.identity_arn, "anyone@example.com", domain=True)),
    "domain-sender-sends-with-a-mixed-case-local-part": (
        "Allowed", lambda d: _sender(d, "ses:SendRawEmail", d.identity_arn, "Anyone@example.com", domain=True)),
    "domain-sender-cannot-send-with-a-mixed-case-domain": (
        "Denied", lambda d: _sender(d, "ses:SendRawEmail", d.identity_arn, "alice@Example.com", domain=True)),
    "domain-sender-cannot-send-from-a-subdomain": (
        "Denied", lambda d: _sender(d, "ses:SendRawEmail", d.identity_arn, "alice@sub.example.com", domain=True)),
    "domain-sender-cannot-send-from-another-domain": (
        "Denied", lambda d: _sender(d, "ses:SendRawEmail", d.identity_arn, "alice@example.org", domain=True)),
    "domain-sender-cannot-send-as-another-identity": (
        "Denied", lambda d: _sender(d, "ses:SendRawEmail", OTHER_IDENTITY, "alice@example.com", domain=True)),
    "domain-sender-cannot-use-another-configuration-set": (
        "Denied", lambda d: _sender(d, "ses:SendRawEmail", OTHER_CONFIGURATION_SET, "alice@example.com", domain=True)),
    "sender-cannot-put-a-policy-on-itself": ("Denied", lambda d: _sender(d, "iam:PutUserPolicy", d.sender_arn)),
    "domain-sender-cannot-put-a-policy-on-itself": (
        "Denied", lambda d: _sender(d, "iam:PutUserPolicy", d.domain_sender_arn, domain=True)),
    "sender-cannot-generate-data-keys": ("Denied", lambda d: _with(
        _sender(d, "kms:GenerateDataKey", d.key_arn), resource_policy=d.key_policy,
        source="sender policies + key policy")),
    "sender-cannot-send-as-another-identity": (
        "Denied", lambda d: _sender(d, "ses:SendRawEmail", OTHER_IDENTITY, GRANTED)),
    "sender-cannot-use-another-configuration-set": (
        "Denied", lambda d: _sender(d, "ses:SendRawEmail", OTHER_CONFIGURATION_SET, GRANTED)),
    "sender-cannot-send-with-the-api-sendemail": (
        "Denied", lambda d: _sender(d, "ses:SendEmail", d.identity_arn, GRANTED)),
    "sender-cannot-tag-itself": ("Denied", lambda d: _sender(d, "iam:TagUser", d.sender_arn)),
    "sender-cannot-create-access-keys": ("Denied", lambda d: _sender(d, "iam:CreateAccessKey", d.sender_arn)),
    "sender-cannot-decrypt": ("Denied", lambda d: _with(
        _sender(d, "kms:Decrypt", d.key_arn), resource_policy=d.key_policy, source="sender policies + key policy")),
    # The credentials function's role: only boundary-carrying users under the path, and it never reads.
    "credentials-role-creates-a-sender-with-the-boundary": ("Allowed", lambda d: _credentials_role(
        d, "iam:CreateUser", _users_arn("ses-smtp-local-x"),
        **{"iam:PermissionsBoundary": d.boundary_arn})),
    "credentials-role-cannot-create-a-user-without-the-boundary": (
        "Denied", lambda d: _credentials_role(d, "iam:CreateUser", _users_arn("ses-smtp-local-x"))),
    "credentials-role-cannot-create-a-user-outside-the-path": ("Denied", lambda d: _credentials_role(
        d, "iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/admin-x",
        **{"iam:PermissionsBoundary": d.boundary_arn})),
    "credentials-role-cannot-attach-policies-to-a-sender": ("Denied", lambda d: _credentials_role(
        d, "iam:AttachUserPolicy", _users_arn("ses-smtp-local-x"),
        **{"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"})),
    "credentials-role-cannot-put-a-policy-outside-the-path": (
        "Denied", lambda d: _credentials_role(d, "iam:PutUserPolicy", f"arn:aws:iam::{ACCOUNT}:user/admin-x")),
    "credentials-role-puts-a-senders-from-policy": (
        "Allowed", lambda d: _credentials_role(d, "iam:PutUserPolicy", _users_arn("ses-smtp-local-x"))),
    "credentials-role-cannot-attach-a-policy-outside-the-path": ("Denied", lambda d: _credentials_role(
        d, "iam:AttachUserPolicy", f"arn:aws:iam::{ACCOUNT}:user/admin-x",
        **{"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"})),
    "credentials-role-cannot-put-a-role-policy": ("Denied", lambda d: _credentials_role(
        d, "iam:PutRolePolicy", d.credentials_role)),
    "credentials-role-cannot-add-a-user-to-the-senders-group": ("Denied", lambda d: _credentials_role(
        d, "iam:AddUserToGroup", f"arn:aws:iam::{ACCOUNT}:group/ses-smtp-local/ses-smtp-local-senders")),
    "credentials-role-tags-a-sender-with-its-name": ("Allowed", lambda d: _with(
        _credentials_role(d, "iam:TagUser", _users_arn("ses-smtp-local-x")),
        context={"aws:TagKeys": ["ses-smtp-sender"]})),
    "credentials-role-cannot-tag-a-sender-with-anything-else": ("Denied", lambda d: _with(
        _credentials_role(d, "iam:TagUser", _users_arn("ses-smtp-local-x")),
        context={"aws:TagKeys": ["ses-smtp-sender", "ses-smtp-from-domain"]})),
    "credentials-role-cannot-change-the-boundary-policy": ("Denied", lambda d: _credentials_role(
        d, "iam:CreatePolicyVersion", d.boundary_arn)),
    "credentials-role-cannot-remove-a-boundary": (
        "Denied", lambda d: _credentials_role(d, "iam:DeleteUserPermissionsBoundary", _users_arn("ses-smtp-local-x"))),
    "credentials-role-cannot-change-a-boundary": ("Denied", lambda d: _credentials_role(
        d, "iam:PutUserPermissionsBoundary", _users_arn("ses-smtp-local-x"),
        **{"iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess"})),
    "credentials-role-seals-with-the-password-context": ("Allowed", lambda d: _with(
        _credentials_role(d, "kms:GenerateDataKey", d.key_arn), context=_password_context())),
    "credentials-role-cannot-decrypt": ("Denied", lambda d: _with(
        _credentials_role(d, "kms:Decrypt", d.key_arn), context=_password_context())),
    "credentials-role-cannot-re-encrypt": ("Denied", lambda d: _with(
        _credentials_role(d, "kms:ReEncryptFrom", d.key_arn), context=_password_context())),
    "credentials-role-cannot-create-a-grant": ("Denied", lambda d: _with(
        _credentials_role(d, "kms:CreateGrant", d.key_arn), context={"kms:GrantIsForAWSResource": "false"})),
    # The send-quota reading: GetAccount (no resource to name) and nothing more of SES's account reads.
    "credentials-role-reads-the-send-quota": ("Allowed", lambda d: _credentials_role(d, "ses:GetAccount", "*")),
    "credentials-role-cannot-change-the-account": (
        "Denied", lambda d: _credentials_role(d, "ses:PutAccountSendingAttributes", "*")),
    # Rotation notices (examples/local sets rotation_notices_enabled): SendEmail From that address only.
    "credentials-role-sends-a-rotation-notice-from-the-notices-address": ("Allowed", lambda d: _credentials_role(
        d, "ses:SendEmail", d.identity_arn, **{"ses:FromAddress": NOTICES_FROM})),
    "credentials-role-sends-a-rotation-notice-through-the-configuration-set": ("Allowed", lambda d: _credentials_role(
        d, "ses:SendEmail", d.configuration_set_arn, **{"ses:FromAddress": NOTICES_FROM})),
    "credentials-role-cannot-send-from-a-senders-address": ("Denied", lambda d: _credentials_role(
        d, "ses:SendEmail", d.identity_arn, **{"ses:FromAddress": GRANTED})),
    "credentials-role-cannot-send-as-another-identity": ("Denied", lambda d: _credentials_role(
        d, "ses:SendEmail", OTHER_IDENTITY, **{"ses:FromAddress": NOTICES_FROM})),
    "credentials-role-cannot-send-raw-mail": ("Denied", lambda d: _credentials_role(
        d, "ses:SendRawEmail", d.identity_arn, **{"ses:FromAddress": NOTICES_FROM})),
    # `ses-smtp status` (administrators_policy_json): reads, of this deployment's resources where they have one.
    "named-admin-reads-the-accounts-sending-state": ("Allowed", lambda d: _admin(d, "ses:GetAccount", "*")),
    "named-admin-reads-the-configuration-set": (
        "Allowed", lambda d: _admin(d, "ses:GetConfigurationSet", d.configuration_set_arn)),
    "named-admin-cannot-read-another-configuration-set": (
        "Denied", lambda d: _admin(d, "ses:GetConfigurationSet", OTHER_CONFIGURATION_SET)),
    "named-admin-reads-the-dead-letter-queue": (
        "Allowed", lambda d: _admin(d, "sqs:GetQueueAttributes", f"{QUEUES}:ses-smtp-local-events-dlq")),
    "named-admin-cannot-read-another-deployments-queue": (
        "Denied", lambda d: _admin(d, "sqs:GetQueueAttributes", f"{QUEUES}:other-events-dlq")),
    "named-admin-reads-the-deployments-alarms": ("Allowed", lambda d: _admin(
        d, "cloudwatch:DescribeAlarms", f"{ALARMS}:ses-smtp-local-send-quota-warning")),
    "named-admin-reads-the-credentials-functions-settings": (
        "Allowed", lambda d: _admin(d, "lambda:GetFunctionConfiguration", d.credentials_function_arn)),
    "named-admin-cannot-read-the-events-functions-settings": (
        "Denied", lambda d: _admin(d, "lambda:GetFunctionConfiguration", d.events_function_arn)),
    "named-admin-cannot-change-the-account": ("Denied", lambda d: _admin(d, "ses:PutAccountSendingAttributes", "*")),
    # An account administrator (AdministratorAccess) is not named by the key policy: no reading, no grants.
    "account-administrator-cannot-decrypt": ("Denied", lambda d: _key(
        d, ACCOUNT_ADMIN, "kms:Decrypt", {"AdministratorAccess": ADMINISTRATOR_ACCESS},
        "AdministratorAccess + key policy", **_password_context())),
    "account-administrator-cannot-create-a-grant": ("Denied", lambda d: _key(
        d, ACCOUNT_ADMIN, "kms:CreateGrant", {"AdministratorAccess": ADMINISTRATOR_ACCESS},
        "AdministratorAccess + key policy", **{"kms:GrantIsForAWSResource": "false"})),
    "account-administrator-cannot-write-table-items": ("Denied", lambda d: Row(
        id="", principal=ACCOUNT_ADMIN, action="dynamodb:PutItem", resource=d.table_arn, expected="",
        source="AdministratorAccess + table policy", identity={"AdministratorAccess": ADMINISTRATOR_ACCESS},
        resource_policy=d.table_policy, context={"dynamodb:LeadingKeys": ["sender#alice"]})),
    # Key administrators administer; they cannot use the key or grant themselves use.
    "key-administrator-cannot-decrypt": ("Denied", lambda d: _key(
        d, d.key_administrators[0], "kms:Decrypt", {}, "key policy", **_password_context())),
    "key-administrator-cannot-create-a-grant": ("Denied", lambda d: _key(
        d, d.key_administrators[0], "kms:CreateGrant", {}, "key policy", **{"kms:GrantIsForAWSResource": "false"})),
    "key-administrator-can-rewrite-the-key-policy": ("Allowed", lambda d: _key(
        d, d.key_administrators[0], "kms:PutKeyPolicy", {}, "key policy")),
    # admin_principal_arns read passwords, with the password encryption context only.
    "named-admin-decrypts-with-the-password-context": ("Allowed", lambda d: _key(
        d, ADMIN, "kms:Decrypt", {"administrators": d.administrators_policy},
        "administrators policy + key policy", **_password_context())),
    "named-admin-cannot-decrypt-with-another-purpose": ("Denied", lambda d: _key(
        d, ADMIN, "kms:Decrypt", {"administrators": d.administrators_policy},
        "administrators policy + key policy", **_password_context(purpose="something-else"))),
    "named-admin-cannot-decrypt-with-an-extra-context-key": ("Denied", lambda d: _key(
        d, ADMIN, "kms:Decrypt", {"administrators": d.administrators_policy},
        "administrators policy + key policy", **_password_context(extra="x"))),
    # The events function writes its own recipient items, never a sender's record.
    "events-role-writes-recipient-items": ("Allowed", lambda d: Row(
        id="", principal=d.events_role, action="dynamodb:PutItem", resource=d.table_arn, expected="",
        source="events role + table policy", identity={"events": d.events_policy}, resource_policy=d.table_policy,
        context={"dynamodb:LeadingKeys": ["recipient#bob@example.net"]})),
    "events-role-cannot-write-sender-items": ("Denied", lambda d: Row(
        id="", principal=d.events_role, action="dynamodb:PutItem", resource=d.table_arn, expected="",
        source="events role + table policy", identity={"events": d.events_policy}, resource_policy=d.table_policy,
        context={"dynamodb:LeadingKeys": ["sender#alice"]})),
    "events-role-cannot-update-sender-items": ("Denied", lambda d: Row(
        id="", principal=d.events_role, action="dynamodb:UpdateItem", resource=d.table_arn, expected="",
        source="events role + table policy", identity={"events": d.events_policy}, resource_policy=d.table_policy,
        context={"dynamodb:LeadingKeys": ["sender#alice"]})),
    # The scheduler starts the credentials function, and only this schedule may use its role.
    "scheduler-invokes-the-credentials-function": ("Allowed", lambda d: Row(
        id="", principal=d.scheduler_role, action="lambda:InvokeFunction", resource=d.credentials_function_arn,
        expected="", source="scheduler role", identity={"scheduler": d.scheduler_policy})),
    "scheduler-cannot-invoke-the-events-function": ("Denied", lambda d: Row(
        id="", principal=d.scheduler_role, action="lambda:InvokeFunction", resource=d.events_function_arn,
        expected="", source="scheduler role", identity={"scheduler": d.scheduler_policy})),
    "scheduler-role-trusts-this-schedule": ("Allowed", lambda d: Row(
        id="", principal="scheduler.amazonaws.com", action="sts:AssumeRole", resource=d.scheduler_role,
        expected="", source="scheduler trust policy", resource_policy=d.scheduler_trust,
        context={"aws:SourceArn": d.schedule_arn, "aws:SourceAccount": ACCOUNT})),
    "scheduler-role-does-not-trust-another-schedule": ("Denied", lambda d: Row(
        id="", principal="scheduler.amazonaws.com", action="sts:AssumeRole", resource=d.scheduler_role,
        expected="", source="scheduler trust policy", resource_policy=d.scheduler_trust,
        context={"aws:SourceArn": d.schedule_arn + "-other", "aws:SourceAccount": ACCOUNT})),
}  # fmt: skip


def _require_evaluator() -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail(
            "Node.js and npm are needed for the IAM evaluator: install them (Debian: apt-get install nodejs npm)"
        )
    if not (EVALUATOR_DIR / "node_modules" / "@cloud-copilot" / "iam-simulate").is_dir():
        pytest.fail(
            f"the IAM evaluator is not installed: run `npm ci --prefix {EVALUATOR_DIR}` (make test-python does)"
        )


def evaluate(rows: list[Row]) -> dict[str, dict[str, Any]]:
    """Ask the external evaluator about every row at once."""
    _require_evaluator()
    cases = [{"id": row.id, "simulation": row.simulation()} for row in rows]
    node = shutil.which("node") or "node"
    completed = subprocess.run(
        [node, str(EVALUATOR_DIR / "evaluate.mjs")],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=EVALUATOR_DIR,
    )
    assert completed.returncode == 0, completed.stderr
    return {answer["id"]: answer for answer in json.loads(completed.stdout)}


@pytest.fixture(scope="module")
def matrix(deployed: Deployed, request: pytest.FixtureRequest) -> Iterator[dict[str, tuple[Row, dict[str, Any]]]]:
    rows = [_with(build(deployed), id=row_id, expected=expected) for row_id, (expected, build) in MATRIX.items()]
    answers = evaluate(rows)
    yield {row.id: (row, answers[row.id]) for row in rows}
    _print_table(request, rows, answers)


def _print_table(request: pytest.FixtureRequest, rows: list[Row], answers: dict[str, dict[str, Any]]) -> None:
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        _write_table(reporter, rows, answers)


def _write_table(reporter: Any, rows: list[Row], answers: dict[str, dict[str, Any]]) -> None:
    reporter.write_line("")
    reporter.write_line("IAM/KMS matrix decided by @cloud-copilot/iam-simulate (tests/policies/package.json)")
    header = f"{'request':<58} {'evaluator':<17} {'expected':<8} {'engine':<19} source"
    reporter.write_line(header)
    for row in rows:
        answer = answers[row.id]
        reporter.write_line(
            f"{row.id:<58} {answer.get('decision', 'error'):<17} {row.expected:<8} {answer['engine']:<19} {row.source}"
        )
    reporter.write_line(
        "engine runUnsafeSimulation: kms:EncryptionContext:* keys, which runSimulation 0.1.173 ignores, "
        "evaluated by the library's unvalidated engine (see docs/security.md)"
    )


@pytest.mark.parametrize("row_id", list(MATRIX))
def test_the_evaluator_agrees_with_the_promise(row_id: str, matrix: dict[str, tuple[Row, dict[str, Any]]]) -> None:
    row, answer = matrix[row_id]
    assert answer["decision"] != "error", answer.get("errors")
    decided = "Allowed" if answer["decision"] == "Allowed" else "Denied"
    assert decided == row.expected, f"{row_id}: the evaluator says {answer['decision']} ({row.source})"


def test_every_password_context_row_was_decided_on_the_context(
    matrix: dict[str, tuple[Row, dict[str, Any]]],
) -> None:
    """The unvalidated engine must not decide a context row vacuously: the same admin, the same key, a
    different purpose, must get the opposite answer."""
    allowed, _ = matrix["named-admin-decrypts-with-the-password-context"]
    denied, _ = matrix["named-admin-cannot-decrypt-with-another-purpose"]
    assert {k: v for k, v in allowed.context.items() if "purpose" not in k} == {
        k: v for k, v in denied.context.items() if "purpose" not in k
    }


def test_the_evaluator_is_pinned() -> None:
    package = json.loads((EVALUATOR_DIR / "package.json").read_text())
    lock = json.loads((EVALUATOR_DIR / "package-lock.json").read_text())
    pinned = package["dependencies"]["@cloud-copilot/iam-simulate"]
    assert pinned[0].isdigit(), "pin an exact version, not a range"
    assert lock["packages"]["node_modules/@cloud-copilot/iam-simulate"]["version"] == pinned


# Every row about sending From an address on this identity; the rows on another identity or configuration
# set differ by resource, which the endpoint takes from the verified identities, not by From.
SENDING_ROWS = [
    row_id
    for row_id in MATRIX
    if row_id.startswith(
        ("sender-sends", "sender-cannot-send-from", "domain-sender-sends", "domain-sender-cannot-send-")
    )
    and not row_id.endswith(("another-identity", "configuration-set"))
]


@pytest.mark.parametrize("row_id", SENDING_ROWS)
def test_the_local_smtp_endpoint_decides_from_as_the_evaluator(
    row_id: str, matrix: dict[str, tuple[Row, dict[str, Any]]], deployed: Deployed, emulator: Emulator
) -> None:
    """The endpoint reads the same sender's policies from the emulator's IAM and must reach the same answer
    for the same From (rows on another identity or configuration set differ by resource, not From)."""
    row, answer = matrix[row_id]
    assert row.resource == deployed.identity_arn and row.action == "ses:SendRawEmail", "not a From row"
    user = row.principal.rsplit("/", 1)[1]
    endpoint = LocalSes(emulator).may_send_as(Caller(user, row.principal, "", ""), str(row.context["ses:FromAddress"]))
    assert endpoint is (answer["decision"] == "Allowed"), f"{row_id}: endpoint {endpoint}, evaluator {answer}"
