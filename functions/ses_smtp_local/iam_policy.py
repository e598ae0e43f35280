"""IAM's decision on one request, for the policies the module gives senders: the local SMTP endpoint's judge.

Documented semantics only (IAM User Guide, "Policy evaluation logic" and "Condition operators"): an
explicit Deny wins; otherwise an identity policy must Allow and so must the permissions boundary.
`StringEquals` and `StringLike` are case-sensitive, `StringEqualsIgnoreCase` is not; `StringLike`'s `*`
matches any run of characters and `?` one character. A condition block's operators, and the keys inside
one operator, are ANDed; the values of one key are ORed. An operator this module never uses is not
guessed at: the statement does not apply (so an Allow fails closed), and the test against the external
evaluator would show it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Context = Mapping[str, str]


@dataclass(frozen=True)
class Request:
    action: str
    resource: str
    context: Context


def _like(pattern: str, value: str, flags: int = 0) -> bool:
    expression = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(expression, value, flags | re.DOTALL) is not None


OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda pattern, value: pattern == value,
    "StringEqualsIgnoreCase": lambda pattern, value: pattern.casefold() == value.casefold(),
    "StringLike": _like,
}


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _condition_holds(condition: Mapping[str, Mapping[str, Any]], context: Context) -> bool:
    for operator, keys in condition.items():
        compare = OPERATORS.get(operator)
        if compare is None:
            return False
        for key, patterns in keys.items():
            value = context.get(key)
            if value is None or not any(compare(pattern, value) for pattern in _listed(patterns)):
                return False
    return True


def _applies(statement: Mapping[str, Any], request: Request) -> bool:
    return (
        any(_like(action, request.action, re.IGNORECASE) for action in _listed(statement.get("Action", [])))
        and any(_like(resource, request.resource) for resource in _listed(statement.get("Resource", [])))
        and _condition_holds(statement.get("Condition", {}), request.context)
    )


def _effects(documents: Iterable[Mapping[str, Any]], request: Request) -> set[str]:
    return {
        str(statement.get("Effect"))
        for document in documents
        for statement in _listed_statements(document)
        if _applies(statement, request)
    }


def _listed_statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    statements = document.get("Statement", [])
    return [statements] if isinstance(statements, Mapping) else list(statements)


def allowed(
    identity_policies: Sequence[Mapping[str, Any]], boundary: Mapping[str, Any] | None, request: Request
) -> bool:
    """Whether IAM allows the request for a user with these policies (no resource or session policies)."""
    identity = _effects(identity_policies, request)
    if "Deny" in identity or "Allow" not in identity:
        return False
    if boundary is None:
        return True
    capped = _effects([boundary], request)
    return "Allow" in capped and "Deny" not in capped
