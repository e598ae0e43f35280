"""Functions run in-process take turns: the local stack's event source invokes the events function in its own
thread while the demo (or a test) invokes the credentials function in another, and each must see only its
own environment from start to end, as each Lambda function does."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

from ses_smtp.admin.deployment import LocalFunction

ROUNDS = 5


def region_throughout(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A handler that reads its region several times, letting other threads run in between."""
    seen = []
    for _ in range(ROUNDS):
        seen.append(os.environ.get("AWS_REGION"))
        time.sleep(0.01)
    return {"seen": seen}


class OneFunction:
    """What LocalFunction reads of a deployed function (GetFunctionConfiguration): its handler."""

    def client(self, service: str, region_name: str | None = None) -> OneFunction:
        return self

    def get_function_configuration(self, FunctionName: str) -> dict[str, Any]:  # boto3's parameter name
        return {"Handler": f"{__name__}.region_throughout", "Environment": {"Variables": {}}}


def test_two_threads_invoking_see_their_own_environment_throughout(tmp_path: Path) -> None:
    functions = {
        region: LocalFunction(OneFunction(), f"fn-{region}", runtime={"AWS_REGION": region}, log_dir=tmp_path)
        for region in ("eu-west-1", "us-east-1")
    }
    results: dict[str, list[list[str | None]]] = {region: [] for region in functions}

    def invoke_repeatedly(region: str) -> None:
        for _ in range(ROUNDS):
            results[region].append(functions[region].invoke({})["seen"])

    threads = [threading.Thread(target=invoke_repeatedly, args=(region,)) for region in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    for region, runs in results.items():
        assert len(runs) == ROUNDS, f"{region}: {len(runs)} of {ROUNDS} invocations finished"
        assert all(seen == [region] * ROUNDS for seen in runs), f"{region}'s handler saw {runs}"
