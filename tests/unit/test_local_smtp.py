"""The local SMTP endpoint's pure parts: the mailbox simulator's events, its IAM decision, the send rate.

The IAM decision is checked against an external evaluator in
tests/integration/test_iam_policies_with_an_external_evaluator.py; these rows are quick regressions.
"""

from __future__ import annotations

import json

import pytest

from ses_smtp.events import parse_ses_message
from ses_smtp.model import FromPatterns
from ses_smtp_local.iam_policy import Request, allowed
from ses_smtp_local.simulator import events_for, simulated_outcome
from ses_smtp_local.smtp import SendingRate
from tests.unit.ses_samples import simulated_send


@pytest.mark.parametrize(
    ("recipient", "outcome"),
    [
        ("success@simulator.amazonses.com", "success"),
        ("bounce+label-1@simulator.amazonses.com", "bounce"),
        ("OOTO@Simulator.AmazonSES.com", "ooto"),
        ("complaint@simulator.amazonses.com", "complaint"),
        ("suppressionlist@simulator.amazonses.com", "suppressionlist"),
        ("bob@gmail.com", "delivered"),
        ("bounce@simulator.amazonses.com.evil.example", "delivered"),
    ],
)
def test_simulator_addresses_are_recognised(recipient: str, outcome: str) -> None:
    assert simulated_outcome(recipient) == outcome


def test_each_simulator_outcome_produces_what_ses_publishes() -> None:
    events = events_for(
        simulated_send(
            "success@simulator.amazonses.com",
            "bounce@simulator.amazonses.com",
            "complaint@simulator.amazonses.com",
            "suppressionlist@simulator.amazonses.com",
            "ooto@simulator.amazonses.com",
        )
    )
    parsed = [parse_ses_message(event) for event in events]  # what the events function will read
    kinds = ["Send", "Delivery", "Bounce", "Delivery", "Complaint", "Bounce", "Delivery", "Bounce"]
    assert [e.kind for e in parsed] == kinds
    assert {e.sender for e in parsed} == {"ses-smtp-alice"} and {e.message_id for e in parsed} == {"m-1"}
    bounce, suppressed, out_of_office = parsed[2], parsed[5], parsed[7]
    assert (bounce.bounce_type, bounce.bounce_subtype) == ("Permanent", "General")
    assert (suppressed.bounce_type, suppressed.bounce_subtype) == ("Permanent", "General"), "as real SES reports it"
    assert (out_of_office.bounce_type, out_of_office.remembered) == ("Transient", False)
    assert parsed[4].complaint_type == "abuse" and parsed[4].remembered
    assert len({e.feedback_id for e in parsed if e.feedback_id}) == 4, "each bounce and complaint has its own id"
    assert events[0]["mail"]["tags"]["ses:from-domain"] == ["example.com"]


IDENTITY = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
BOUNDARY = {"Statement": [{"Effect": "Allow", "Action": "ses:SendRawEmail", "Resource": IDENTITY}]}


@pytest.mark.parametrize(
    ("grants", "address", "expected"),
    [
        (["alice@example.com"], "alice@example.com", True),
        (["alice@example.com"], "Alice@Example.COM", True),  # StringEqualsIgnoreCase
        (["alice@example.com"], "alice@example.community", False),
        (["alice@example.com"], "bob@example.com", False),
        (["*@example.com"], "anyone@example.com", True),
        (["*@example.com"], "Alice@example.com", True),
        (["*@example.com"], "alice@Example.com", False),  # StringLike is case-sensitive
        (["*@example.com"], "anyone@sub.example.com", False),
        (["a.b@example.com"], "aXb@example.com", False),  # a dot is a dot, not a regex
        (["alice@example.com", "*@example.com"], "bob@example.com", True),  # the two statements are ORed
    ],
)
def test_the_from_decision_follows_the_documented_operators(grants: list[str], address: str, expected: bool) -> None:
    policy = json.loads(FromPatterns.parse(grants, frozenset({"example.com"})).iam_policy())
    request = Request("ses:SendRawEmail", IDENTITY, {"ses:FromAddress": address})
    assert allowed([policy], BOUNDARY, request) is expected


def test_the_boundary_caps_what_the_inline_policy_allows() -> None:
    policy = json.loads(FromPatterns.parse(["*@example.com"], frozenset({"example.com"})).iam_policy())
    other = Request(
        "ses:SendRawEmail", IDENTITY.replace("example.com", "other.example"), {"ses:FromAddress": "a@example.com"}
    )
    assert not allowed([policy], BOUNDARY, other)
    assert not allowed([policy], BOUNDARY, Request("iam:PutUserPolicy", IDENTITY, {}))


def test_an_operator_it_does_not_know_never_allows() -> None:
    unknown = {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {"DateLessThan": {"aws:CurrentTime": "2999-01-01T00:00:00Z"}},
            }
        ]
    }
    assert not allowed(
        [unknown], None, Request("ses:SendRawEmail", IDENTITY, {"aws:CurrentTime": "2026-01-01T00:00:00Z"})
    )


def test_the_send_rate_refuses_what_exceeds_it_and_refills() -> None:
    rate = SendingRate(per_second=2)
    assert rate.take() and rate.take()
    assert not rate.take()
    assert not SendingRate(per_second=2).take(3), "a message to more recipients than the rate allows"
