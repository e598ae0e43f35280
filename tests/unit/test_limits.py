"""Per-sender limits: the rules, the counts the events function keeps, and quarantine and release through
the credentials function (moto for IAM and DynamoDB; the Lambda invoke between the two functions is
proven on the local stack, tests/integration/test_limits_on_local_stack.py)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from ses_smtp.credentials import Caller
from ses_smtp.errors import InvalidRequest
from ses_smtp.limits import LimitAction, Limits, SenderUsage, Usage, judge
from tests.unit.aws_world import World
from tests.unit.functions import CredentialsFunction, EventsFunction, events_app
from tests.unit.ses_samples import ses_event, sqs_event

ADMIN = Caller("admin")
NOON = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_recipients_over_the_hourly_or_daily_limit_are_over_and_90_percent_is_near() -> None:
    limits = Limits(per_hour=10, per_day=100)
    assert judge(Usage(sent_hour=10, sent_day=10), limits).over == ()
    assert judge(Usage(sent_hour=9, sent_day=9), limits).near == ("recipients this hour: 9 of 10",)
    assert judge(Usage(sent_hour=11, sent_day=11), limits).over == ("recipients this hour: 11 > 10",)
    assert judge(Usage(sent_hour=1, sent_day=101), limits).over == ("recipients today (UTC): 101 > 100",)


def test_rates_count_only_from_the_minimum_volume() -> None:
    limits = Limits(max_bounce_rate=0.05, max_complaint_rate=0.01, min_volume=20)
    assert judge(Usage(sent_hour=19, sent_day=19, bounces=19), limits).over == (), "below the minimum volume"
    assert judge(Usage(sent_hour=20, sent_day=20, bounces=2), limits).over == ("bounce rate today: 10.0% > 5.0%",)
    assert judge(Usage(sent_hour=20, sent_day=20, bounces=1), limits).over == (), "5% is not above 5%"
    assert judge(Usage(sent_hour=20, sent_day=20, complaints=1), limits).over == ("complaint rate today: 5.0% > 1.0%",)


@pytest.mark.parametrize(
    "values",
    [{"per_hour": 0}, {"per_hour": 1.5}, {"per_day": "ten"}, {"max_bounce_rate": 5}, {"max_complaint_rate": 0}],
)
def test_bad_limits_are_refused_with_their_name(values: dict[str, Any]) -> None:
    with pytest.raises(InvalidRequest, match=next(iter(values))):
        Limits.parse(values)


def test_unknown_limits_are_refused() -> None:
    with pytest.raises(InvalidRequest, match="unknown limit"):
        Limits.parse({"per_minute": 5})


def test_the_module_defaults_come_from_the_environment() -> None:
    env = {"SENDER_LIMITS": json.dumps({**Limits().to_dict(), "per_hour": 7})}
    assert Limits.defaults_from_env(env).per_hour == 7
    assert Limits.defaults_from_env({}) == Limits()


def test_counts_are_added_per_day_and_hour_and_expire(world: World) -> None:
    usage = SenderUsage(world.session.client("dynamodb"), world.settings.table_name)
    usage.add("ses-smtp-alice", Usage(sent_day=3, bounces=1), NOON)
    totals = usage.add("ses-smtp-alice", Usage(sent_day=2, complaints=1), NOON)
    assert totals == Usage(sent_hour=5, sent_day=5, bounces=1, complaints=1)
    later = usage.add("ses-smtp-alice", Usage(sent_day=1), NOON.replace(hour=13))
    assert later == Usage(sent_hour=1, sent_day=6, bounces=1, complaints=1), "a new hour, the same day"
    item = world.client("dynamodb").get_item(
        TableName=world.settings.table_name, Key={"pk": {"S": "usage#ses-smtp-alice"}, "sk": {"S": "day#2026-11-24"}}
    )["Item"]
    assert int(item["expires_at"]["N"]) == int(datetime(2026, 11, 26, 12, 0, tzinfo=UTC).timestamp())


def test_create_and_update_keep_a_senders_own_limits(world: World) -> None:
    credentials = world.credentials()
    created = credentials.create("alice", ["alice@example.com"], ADMIN, limits={"per_hour": 5})
    assert created.limits == {"per_hour": 5}
    # A new request, so a new operation id: the same one would be a retry of the create
    updated = credentials.update("alice", Caller("admin"), limits={"max_bounce_rate": 0.1, "per_hour": None})
    assert updated.limits == {"max_bounce_rate": 0.1}, "null returns a limit to the module's default"
    assert credentials.store.require("alice").limits == {"max_bounce_rate": 0.1}
    state = credentials.store.usage().state("ses-smtp-alice", Limits())
    assert state.limits == Limits(max_bounce_rate=0.1)
    with pytest.raises(InvalidRequest, match="per_day"):
        credentials.create("bob", ["bob@example.com"], ADMIN, limits={"per_day": -1})


def test_quarantine_deactivates_every_key_without_deleting_and_release_reactivates(world: World) -> None:
    credentials = world.credentials()
    credentials.create("alice", ["alice@example.com"], ADMIN)
    rotated = credentials.rotate("alice", ADMIN)
    held = credentials.quarantine("ses-smtp-alice", "recipients this hour: 101 > 100", Caller("events"))
    assert (held.status, held.quarantine_reason, held.quarantined_at) == (
        "quarantined",
        "recipients this hour: 101 > 100",
        world.now[0],
    )
    iam = world.client("iam")
    keys = {k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys(UserName="ses-smtp-alice")["AccessKeyMetadata"]}
    assert keys == dict.fromkeys(rotated.key_ids(), "Inactive"), "both keys kept, neither works"
    with pytest.raises(InvalidRequest, match="release"):
        credentials.rotate("alice", ADMIN)
    again = credentials.quarantine("ses-smtp-alice", "another reason", Caller("events"))
    assert again.quarantine_reason == "recipients this hour: 101 > 100", "the first reason stays"

    credentials.store.usage().add("ses-smtp-alice", Usage(sent_day=101), world.now[0])
    released = credentials.release("alice", ADMIN)
    assert (released.status, released.quarantined_at, released.quarantine_reason) == ("active", None, None)
    keys = {k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys(UserName="ses-smtp-alice")["AccessKeyMetadata"]}
    assert keys == dict.fromkeys(rotated.key_ids(), "Active")
    assert credentials.store.usage().today("ses-smtp-alice", world.now[0]) == Usage(), "counting starts afresh"
    with pytest.raises(InvalidRequest, match="not quarantined"):
        credentials.release("alice", ADMIN)


class InProcessLambda:
    """The credentials function behind lambda.invoke, run here with the test's deployment."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.requests: list[dict[str, Any]] = []

    def invoke(self, FunctionName: str, Payload: bytes) -> dict[str, Any]:
        request = json.loads(Payload)
        self.requests.append(request)
        result = CredentialsFunction(self.world.credentials())(request)  # built as Lambda builds it
        return {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(result).encode())}


@pytest.fixture
def events(world: World) -> InProcessLambda:
    return InProcessLambda(world)


def runner(world: World, events: InProcessLambda, action: LimitAction) -> Callable[..., list[dict[str, Any]]]:
    """The events function of a deployment whose sender_limit_action is action, on the world's table."""
    function = EventsFunction(events_app(world, credentials_function=events, limit_action=action))

    def run(*messages: dict[str, Any]) -> list[dict[str, Any]]:
        _, output = function(sqs_event(*messages))
        return [json.loads(line) for line in output.split("\n") if line.startswith('{"level"')]

    return run


def test_over_its_limit_a_sender_is_quarantined_once_when_the_deployment_chose_it(
    world: World, events: InProcessLambda
) -> None:
    run = runner(world, events, LimitAction.QUARANTINE)
    world.credentials().create("alice", ["alice@example.com"], ADMIN, limits={"per_hour": 2})
    world.credentials().create("bob", ["bob@example.com"], ADMIN, limits={"per_hour": 2})
    lines = run(*(ses_event("Send", f"m-{i}") for i in range(3)))  # the sample is alice's, to one recipient
    over = [line for line in lines if line["message"] == "sender over a limit"]
    assert [(line["sender"], line["limits"]) for line in over] == [("ses-smtp-alice", ["recipients this hour: 3 > 2"])]
    assert events.requests == [
        {
            "action": "quarantine",
            "iam_user": "ses-smtp-alice",
            "reason": "recipients this hour: 3 > 2",
            "actor": "events",
        }
    ], "a fixed request: the events function has no IAM rights of its own"
    assert world.credentials().store.require("alice").status == "quarantined"
    assert world.credentials().store.require("bob").status == "active"
    run(ses_event("Send", "m-4"))
    assert len(events.requests) == 1, "already quarantined: not asked again"


def test_with_alert_only_a_sender_over_its_limit_keeps_sending(world: World, events: InProcessLambda) -> None:
    run = runner(world, events, LimitAction.ALERT)
    world.credentials().create("alice", ["alice@example.com"], ADMIN, limits={"per_hour": 9})
    lines = run(*(ses_event("Send", f"m-{i}") for i in range(9)))
    (near,) = [line for line in lines if line["message"] == "sender close to a limit"]
    assert near["limits"] == ["recipients this hour: 9 of 9"]
    lines = run(ses_event("Send", "m-10"))
    assert [line["message"] for line in lines if line["level"] == "WARNING"] == ["sender over a limit"]
    assert events.requests == []
    assert world.credentials().store.require("alice").status == "active"
