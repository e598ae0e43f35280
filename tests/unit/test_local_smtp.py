"""The local SMTP endpoint's pure parts: the mailbox simulator's events, IAM's StringLike, the send rate."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from ses_smtp.events import parse_ses_message
from ses_smtp.local.simulator import Sent, events_for, simulated_outcome
from ses_smtp.local.smtp import SendingRate, _string_like


def sent(*recipients: str) -> Sent:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "Alice <alice@example.com>", ", ".join(recipients), "Hi"
    return Sent(
        message_id="m-1",
        source="alice@example.com",
        recipients=recipients,
        message=message,
        sender="ses-smtp-alice",
        configuration_set="ses-smtp",
        identity_arn="arn:aws:ses:eu-west-1:123456789012:identity/example.com",
        account_id="123456789012",
        tls_version="TLSv1.3",
    )


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
        sent(
            "success@simulator.amazonses.com",
            "bounce@simulator.amazonses.com",
            "complaint@simulator.amazonses.com",
            "suppressionlist@simulator.amazonses.com",
            "ooto@simulator.amazonses.com",
        )
    )
    parsed = [parse_ses_message(event) for event in events]  # what the events function will read
    assert [e.kind for e in parsed] == ["Send", "Delivery", "Bounce", "Delivery", "Complaint", "Bounce", "Delivery"]
    assert {e.sender for e in parsed} == {"ses-smtp-alice"} and {e.message_id for e in parsed} == {"m-1"}
    bounce, suppressed = parsed[2], parsed[5]
    assert (bounce.bounce_type, bounce.bounce_subtype) == ("Permanent", "General")
    assert suppressed.bounce_subtype == "OnAccountSuppressionList"
    assert parsed[4].complaint_type == "abuse" and parsed[4].remembered
    assert len({e.feedback_id for e in parsed if e.feedback_id}) == 3, "each bounce and complaint has its own id"
    assert events[0]["mail"]["tags"]["ses:from-domain"] == ["example.com"]


@pytest.mark.parametrize(
    ("pattern", "address", "allowed"),
    [
        ("alice@example.com", "alice@example.com", True),
        ("alice@example.com", "alice@example.community", False),
        ("*@example.com", "anyone@example.com", True),
        ("*@example.com", "anyone@sub.example.com", False),
        ("*@unused.invalid", "x@example.com", False),
        ("a.b@example.com", "aXb@example.com", False),  # a dot is a dot, not a regex
        ("unused", "unused", True),  # no @: can never equal an address SES accepts
    ],
)
def test_string_like_is_iams(pattern: str, address: str, allowed: bool) -> None:
    assert _string_like(pattern, address) is allowed


def test_the_send_rate_refuses_what_exceeds_it_and_refills() -> None:
    rate = SendingRate(per_second=2)
    assert rate.take() and rate.take()
    assert not rate.take()
    assert not SendingRate(per_second=2).take(3), "a message to more recipients than the rate allows"
