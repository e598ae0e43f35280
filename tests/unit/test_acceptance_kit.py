"""The acceptance kit's own parts (tests/acceptance): its cases agree with docs/security.md, the real-AWS
run refuses before it creates anything, what it retries, what it writes, and how it cleans up.
The whole kit runs against the local stack in tests/integration/test_acceptance_kit_on_local_stack.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from ses_smtp.admin.terraform import REPO_ROOT
from tests.acceptance.__main__ import ACCOUNT_ENVIRONMENT, main
from tests.acceptance.cases import CASES, Login, Outcome, Send, Server, markdown, run_case, write_results
from tests.acceptance.targets import (
    AwsInputs,
    KitError,
    confirm_account,
    plan_text,
    refuse_existing_identity,
    remove_sender_users,
)

SECURITY = REPO_ROOT / "docs" / "security.md"
AWS_RESULTS = REPO_ROOT / "docs" / "acceptance" / "aws-results.json"
SERVER, LOGIN = Server("127.0.0.1", 1), Login("AKIDEXAMPLE", "not-a-password")
MOTO_ACCOUNT = "123456789012"
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:*", "Resource": "*"}]})


def stated_cases() -> dict[str, int]:
    """The table under docs/security.md's "What the acceptance kit checks": case -> expected code."""
    section = SECURITY.read_text().split("## What the acceptance kit checks", 1)[1].split("\n## ", 1)[0]
    return {name: int(code) for name, code in re.findall(r"^\| `([a-z-]+)` \|.*\| (\d{3}) [^|]*\|$", section, re.M)}


def test_the_cases_are_the_ones_docs_security_states() -> None:
    assert stated_cases() == {case.name: case.expected for case in CASES}


def test_docs_security_says_whether_it_was_verified_on_real_aws() -> None:
    """ "not yet" until a run's results are committed; then the date of that run."""
    text = SECURITY.read_text()
    if not AWS_RESULTS.exists():
        assert "Verified on real AWS: not yet" in text
        assert "make test-aws" in text
    else:
        results = json.loads(AWS_RESULTS.read_text())
        assert f"Verified on real AWS: {results['started_at'][:10]}" in text, "name the committed run's date"
        assert "docs/acceptance/aws-results.md" in text


def test_the_real_aws_run_refuses_without_its_inputs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(ACCOUNT_ENVIRONMENT, raising=False)
    assert main(["--target", "aws", "--work-dir", str(tmp_path / "work")]) == 2
    refusal = capsys.readouterr().err
    for needed in ("--region", "--domain", "--route53-zone-id", ACCOUNT_ENVIRONMENT, "make test-aws"):
        assert needed in refusal
    assert not (tmp_path / "work").exists(), "nothing is created before the inputs are complete"


def test_the_real_aws_run_refuses_an_emulator_endpoint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(ACCOUNT_ENVIRONMENT, MOTO_ACCOUNT)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
    arguments = ["--target", "aws", "--region", "eu-west-1", "--domain", "a.example.com", "--route53-zone-id", "Z1"]
    assert main(arguments) == 2
    assert "AWS_ENDPOINT_URL" in capsys.readouterr().err


def test_the_real_aws_run_refuses_a_region_without_smtp(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(ACCOUNT_ENVIRONMENT, MOTO_ACCOUNT)
    arguments = ["--target", "aws", "--region", "xx-nowhere-1", "--domain", "a.example.com", "--route53-zone-id", "Z1"]
    assert main(arguments) == 2
    assert "xx-nowhere-1" in capsys.readouterr().err


@mock_aws
def test_the_kit_refuses_credentials_of_another_account_before_it_creates_anything(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(ACCOUNT_ENVIRONMENT, "210987654321")
    arguments = ["--target", "aws", "--region", "eu-west-1", "--domain", "a.example.com", "--route53-zone-id", "Z1"]
    assert main([*arguments, "--work-dir", str(tmp_path / "work")]) == 2
    assert "not the confirmed 210987654321" in capsys.readouterr().err
    assert not (tmp_path / "work").exists()


@mock_aws
def test_credentials_for_another_account_are_refused() -> None:
    inputs = AwsInputs("eu-west-1", "a.example.com", "Z1", account="210987654321")
    with pytest.raises(KitError, match=f"account {MOTO_ACCOUNT}, not the confirmed 210987654321"):
        confirm_account(inputs, boto3.session.Session(region_name="eu-west-1"))


@mock_aws
def test_the_confirmed_account_gives_the_callers_arn() -> None:
    inputs = AwsInputs("eu-west-1", "a.example.com", "Z1", account=MOTO_ACCOUNT)
    assert confirm_account(inputs, boto3.session.Session(region_name="eu-west-1")).startswith(
        f"arn:aws:sts::{MOTO_ACCOUNT}:"
    )


@mock_aws
def test_an_existing_identity_is_refused_so_the_run_only_destroys_its_own() -> None:
    session = boto3.session.Session(region_name="eu-west-1")
    inputs = AwsInputs("eu-west-1", "a.example.com", "Z1", account=MOTO_ACCOUNT)
    refuse_existing_identity(inputs, session)  # none yet
    session.client("sesv2").create_email_identity(EmailIdentity="a.example.com")
    with pytest.raises(KitError, match=r"already has the identity a\.example\.com"):
        refuse_existing_identity(inputs, session)


def test_the_plan_says_what_it_creates_and_costs() -> None:
    text = plan_text(AwsInputs("eu-west-1", "a.example.com", "Z1", account=MOTO_ACCOUNT))
    for said in ("account 123456789012", "eu-west-1", "a.example.com", "email-smtp.eu-west-1.amazonaws.com:587"):
        assert said in text
    assert "Cost:" in text and "terraform destroy" in text


@mock_aws
def test_leftover_senders_under_the_path_are_removed_and_nobody_else() -> None:
    iam = boto3.client("iam")
    for name, path in (("left-alice", "/kit/senders/"), ("someone-else", "/")):
        iam.create_user(UserName=name, Path=path)
        iam.create_access_key(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="send-as-granted", PolicyDocument=POLICY)
    removed: list[str] = []
    remove_sender_users(iam, "/kit/senders/", removed.append)
    assert [user["UserName"] for user in iam.list_users()["Users"]] == ["someone-else"]
    assert len(removed) == 1 and "left-alice" in removed[0]


def scripted(*replies: tuple[int, str, str]) -> tuple[list[str], Send]:
    """A send function that answers with these replies in turn, and the list of what it was asked."""
    asked: list[str] = []
    answers = iter(replies)

    def send(server: Server, login: Login, header_from: str, envelope_from: str, raw: bytes) -> tuple[int, str, str]:
        asked.append(f"{header_from}/{envelope_from}")
        return next(answers)

    return asked, send


def test_the_first_granted_send_waits_for_iam_to_spread_the_key() -> None:
    asked, send = scripted(
        (535, "AUTH", "Authentication Credentials Invalid"), (554, "DATA", "denied"), (250, "DATA", "Ok")
    )
    outcome = run_case(CASES[0], SERVER, LOGIN, "example.com", settle_seconds=60, send=send, pause=0)
    assert (outcome.got, outcome.attempts, outcome.passed) == (250, 3, True)
    assert asked == ["alice@example.com/alice@example.com"] * 3


def test_a_refusal_where_acceptance_is_stated_is_not_retried_after_the_first_case() -> None:
    mixed_case = next(case for case in CASES if case.name == "mixed-case-granted-from")
    asked, send = scripted((554, "DATA", "denied"))
    outcome = run_case(mixed_case, SERVER, LOGIN, "example.com", settle_seconds=60, send=send, pause=0)
    assert (outcome.got, outcome.attempts, outcome.passed) == (554, 1, False)
    assert asked == ["Alice@Example.Com/Alice@Example.Com"]


def test_without_settling_time_each_case_is_sent_once() -> None:
    _, send = scripted((535, "AUTH", "Authentication Credentials Invalid"))
    outcome = run_case(CASES[0], SERVER, LOGIN, "example.com", settle_seconds=0, send=send, pause=0)
    assert (outcome.got, outcome.stage, outcome.attempts) == (535, "AUTH", 1)


def test_the_results_mark_a_difference_and_keep_the_account_id_out(tmp_path: Path) -> None:
    outcomes = [
        Outcome("granted-from", "granted", "a@x.com", "a@x.com", 250, 250, "DATA", "Ok 1", 1),
        Outcome("forbidden-header-from", "header", "b@x.com", "a@x.com", 554, 250, "DATA", "Ok 2", 1),
    ]
    header = {"target": "aws", "region": "eu-west-1", "domain": "x.com", "module_version": "0.1.0", "commit": "abc"}
    write_results(tmp_path / "r.json", {**header, "started_at": "t0", "finished_at": "t1", "error": ""}, outcomes)
    document = json.loads((tmp_path / "r.json").read_text())
    assert document["passed"] is False
    assert [case["passed"] for case in document["cases"]] == [True, False]
    text = (tmp_path / "r.md").read_text()
    assert "NOT as docs/security.md states" in text and "| 250 **(differs)** |" in text
    assert text == markdown(document)


def test_a_reply_is_kept_to_its_first_line_without_the_account_id() -> None:
    _, send = scripted((554, "DATA", "Access denied: User `arn:aws:iam::123456789012:user/x'\nmore"))
    case = next(case for case in CASES if case.name == "forbidden-header-from")
    outcome = run_case(case, SERVER, LOGIN, "example.com", settle_seconds=0, send=send, pause=0)
    assert outcome.reply == "Access denied: User `arn:aws:iam::<account>:user/x'"
