"""The local SMTP endpoint's pure parts: the mailbox simulator's events, IAM's StringLike, the send rate."""

from __future__ import annotations

import pytest

from ses_smtp.events import parse_ses_message
from ses_smtp_local.simulator import events_for, simulated_outcome
from ses_smtp_local.smtp import SendingRate, _string_like
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
