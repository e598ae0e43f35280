"""Sender credentials end to end on the local stack: the CLI, the credentials handler run in-process
with the deployed function's settings, IAM/DynamoDB/KMS in the emulator, and the Terraform module's
own IAM boundary; each sender's own From policy; senders of earlier versions moved out of the
deprecated senders group.

Shares the worker's deployment (conftest.py): every sender made here is deleted here, or a destroy of the
deprecated senders group would fail.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from moto.iam.models import iam_backends

from ses_smtp.admin.deployment import LocalFunction
from ses_smtp.admin.terraform import REPO_ROOT, TerraformRun
from ses_smtp.credentials import UNRECORDED_KEY_MARGIN
from ses_smtp.smtp_password import derive_smtp_password
from ses_smtp.store import SENDER_SK, sender_pk
from ses_smtp_local.emulator import Emulator
from tests.conftest import require_terraform

pytestmark = pytest.mark.integration
ACCOUNT = "123456789012"


def secret_of(access_key_id: str) -> str:
    """The emulator's copy of a key's secret: what real SES would check the password against."""
    for user in iam_backends[ACCOUNT]["global"].users.values():
        for key in user.access_keys:
            if key.access_key_id == access_key_id:
                return str(key.secret_access_key)
    raise AssertionError(f"no access key {access_key_id} in the emulator")


def test_a_sender_lifecycle_through_the_cli(users: Any, deployment: TerraformRun, emulator: Emulator) -> None:
    code, out, err = users("--json", "create", "alice", "--from", "alice@example.com")
    assert code == 0, err
    created = json.loads(out)
    assert created["smtp_server"] == "127.0.0.1", "the local stack's own SMTP endpoint"
    assert created["password"] == derive_smtp_password(secret_of(created["username"]), "eu-west-1")

    iam = emulator.session().client("iam")
    user = iam.get_user(UserName="ses-smtp-local-alice")["User"]
    assert user["Path"] == "/ses-smtp-local/senders/"
    assert user["PermissionsBoundary"]["PermissionsBoundaryArn"].endswith(
        ":policy/ses-smtp-local/ses-smtp-local-sender-boundary"
    )
    assert iam.list_groups_for_user(UserName="ses-smtp-local-alice")["Groups"] == []
    assert iam.list_user_policies(UserName="ses-smtp-local-alice")["PolicyNames"] == ["send-as-granted"]
    policy = iam.get_user_policy(UserName="ses-smtp-local-alice", PolicyName="send-as-granted")["PolicyDocument"]
    assert policy["Statement"][0]["Condition"] == {"StringEqualsIgnoreCase": {"ses:FromAddress": ["alice@example.com"]}}

    code, out, err = users("--json", "rotate", "alice")
    assert code == 0, err
    rotated = json.loads(out)
    assert rotated["username"] != created["username"]
    assert rotated["password"] == derive_smtp_password(secret_of(rotated["username"]), "eu-west-1")
    assert created["previous"] is None, "a new sender has no previous password"
    previous = rotated["previous"]
    assert previous["username"] == created["username"]
    valid_until = datetime.fromisoformat(previous["valid_until"])
    assert timedelta(days=6.9) < valid_until - datetime.now(UTC) <= timedelta(days=7), "the module's default grace"
    assert datetime.fromisoformat(previous["stops_working_by"]) - valid_until == timedelta(days=1), (
        "gone by the retire run after it: the module's default schedule is rate(1 day)"
    )
    code, out, _ = users("--json", "show", "alice", "--previous")
    assert json.loads(out)["password"] == created["password"], "the previous password still works in the overlap"

    code, out, _ = users("--json", "status", "alice")
    assert sorted(key["role"] for key in json.loads(out)["iam_keys"]) == ["current", "previous"]

    code, _, err = users("revoke", "alice")
    assert code == 1
    assert "--yes" in err
    code, out, err = users("--json", "revoke", "alice", "--yes")
    assert code == 0, err
    assert json.loads(out)["status"] == "revoked"
    assert iam.list_access_keys(UserName="ses-smtp-local-alice")["AccessKeyMetadata"] == []

    code, _, err = users("delete", "alice", "--yes")
    assert code == 0, err
    assert iam.list_users(PathPrefix="/ses-smtp-local/senders/")["Users"] == []


def test_refusals_are_one_clear_line(users: Any) -> None:
    code, out, err = users("create", "bob", "--from", "bob@elsewhere.org")
    assert code == 1
    assert out == ""
    assert err.startswith("ses-smtp: 'bob@elsewhere.org' is outside this deployment's domain(s): example.com")
    assert len(err.strip().splitlines()) == 1
    code, _, err = users("show", "nobody")
    assert code == 1
    assert "no sender named 'nobody'" in err


def test_password_matches_the_aws_providers_own_derivation(emulator: Emulator, tmp_path: Path) -> None:
    require_terraform()
    run = TerraformRun(
        config_dir=REPO_ROOT / "tests" / "fixtures" / "smtp-password-crosscheck",
        work_dir=tmp_path,
        variables={"endpoint_url": emulator.endpoint_url},
        environment=emulator.environment(),
    )
    run.init()
    run.apply()
    try:
        keys = run.outputs()["keys"]
        for region, key in keys.items():
            assert derive_smtp_password(key["secret"], region) == key["password"], region
        assert keys["eu-west-1"]["password"] != keys["us-east-2"]["password"]
    finally:
        run.destroy()


def test_the_schedules_own_request_retires_expired_keys(
    users: Any, deployment: TerraformRun, emulator: Emulator
) -> None:
    """What EventBridge Scheduler sends, as the module configured it, run by the deployed function."""
    outputs = deployment.outputs()
    config = outputs["admin_config"]
    session = emulator.session()
    schedule = session.client("scheduler").get_schedule(Name="ses-smtp-local-rotation")
    function = session.client("lambda").get_function_configuration(FunctionName=config["credentials_function_name"])
    assert schedule["Target"]["Arn"] == function["FunctionArn"]
    request = json.loads(schedule["Target"]["Input"])

    assert users("create", "erin", "--from", "erin@example.com")[0] == 0
    code, out, err = users("--json", "rotate", "erin", "--retire-after-days", "0")
    assert code == 0, err
    current = json.loads(out)["username"]
    try:
        result = LocalFunction(session, config["credentials_function_name"], config["region"]).invoke(request)
        assert result["ok"] is True, result
        assert len(result["retired"]) == 1
        keys = session.client("iam").list_access_keys(UserName="ses-smtp-local-erin")["AccessKeyMetadata"]
        assert [key["AccessKeyId"] for key in keys] == [current]

        assert users("rotate", "erin", "--retire-after-days", "0")[0] == 0
        code, out, err = users("retire")  # the same run, on demand
        assert (code, out.strip()) == (0, "retired 1 previous key(s) past their grace period"), err
    finally:
        assert users("delete", "erin", "--yes")[0] == 0


def backdate_key(access_key_id: str, by: timedelta) -> None:
    """Make the emulator's copy of a key older, as if it had been created `by` ago."""
    for user in iam_backends[ACCOUNT]["global"].users.values():
        for key in user.access_keys:
            if key.access_key_id == access_key_id:
                key.create_date -= by
                return
    raise AssertionError(f"no access key {access_key_id} in the emulator")


def test_a_key_made_behind_the_modules_back_is_deactivated_by_the_retire_run(users: Any, emulator: Emulator) -> None:
    iam = emulator.session().client("iam")
    assert users("create", "frank", "--from", "frank@example.com")[0] == 0
    try:
        rogue = iam.create_access_key(UserName="ses-smtp-local-frank")["AccessKey"]["AccessKeyId"]
        code, out, err = users("--json", "retire")
        assert code == 0, err
        assert json.loads(out)["unrecorded_deactivated"] == [], "a key this young may be an operation's"

        backdate_key(rogue, UNRECORDED_KEY_MARGIN + timedelta(minutes=1))
        code, out, err = users("retire")
        assert code == 0, err
        assert f"frank: access key {rogue} was active but in no record; deactivated" in out
        keys = iam.list_access_keys(UserName="ses-smtp-local-frank")["AccessKeyMetadata"]
        statuses = {key["AccessKeyId"]: key["Status"] for key in keys}
        assert statuses[rogue] == "Inactive", "deactivated, not deleted"
        assert sorted(statuses.values()) == ["Active", "Inactive"], "the recorded key still works"
    finally:
        assert users("delete", "frank", "--yes")[0] == 0


def test_a_sender_of_an_earlier_version_moves_to_its_own_policy_on_users_retire(users: Any, emulator: Emulator) -> None:
    """Before this version a sender was in the senders group with its grants in tags and had no policy of
    its own. `ses-smtp users retire` (the scheduled run, on demand) gives it one and takes it out."""
    assert users("create", "grace", "--from", "grace@example.com")[0] == 0
    iam = emulator.session().client("iam")
    try:
        iam.delete_user_policy(UserName="ses-smtp-local-grace", PolicyName="send-as-granted")
        iam.add_user_to_group(GroupName="ses-smtp-local-senders", UserName="ses-smtp-local-grace")
        emulator.session().client("dynamodb").update_item(  # and the record as that version wrote it
            TableName="ses-smtp-local-credentials",
            Key={"pk": {"S": sender_pk("grace")}, "sk": {"S": SENDER_SK}},
            UpdateExpression="REMOVE own_from_policy",
        )
        code, out, err = users("retire")
        assert code == 0, err
        assert "moved to its own From policy: grace" in out
        assert iam.list_groups_for_user(UserName="ses-smtp-local-grace")["Groups"] == []
        assert iam.list_user_policies(UserName="ses-smtp-local-grace")["PolicyNames"] == ["send-as-granted"]
        code, out, err = users("retire")
        assert "moved to its own From policy" not in out, "a second run has nothing to move"
    finally:
        assert users("delete", "grace", "--yes")[0] == 0
