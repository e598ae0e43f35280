"""Where the local AWS emulator (moto) falls short of what the module needs, filled in one place.

Each gap is one small function with a line saying what real AWS does. `install()` applies them all,
once, before the emulator serves its first request. Nothing else in the project patches moto.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable
from contextlib import nullcontext
from datetime import datetime
from email.utils import parseaddr
from typing import Any

from moto.awslambda import models as lambda_models
from moto.core.responses import EmptyResult
from moto.dynamodb.responses import DynamoHandler
from moto.iam import models as iam_models
from moto.iam.access_control import IAMPolicyStatement, PermissionResult
from moto.iam.responses import IamResponse
from moto.route53 import models as route53_models
from moto.ses import models as ses_models
from moto.ses.exceptions import RuleSetDoesNotExist
from moto.ses.responses import EmailResponse
from moto.ses.utils import get_arn
from moto.sesv2 import urls as sesv2_urls
from moto.sesv2.models import SESV2Backend
from moto.sesv2.responses import SESV2Response
from moto.sqs import models as sqs_models

from ses_smtp.regions import dkim_signing_hosted_zone

_installed = False


def install() -> None:
    """Apply every workaround below (idempotent)."""
    global _installed
    if _installed:
        return
    for gap in GAPS:
        gap()
    _installed = True


def sesv2_sending_options_are_malformed() -> None:
    """GetConfigurationSet returns SendingOptions nested twice; SES returns {"SendingEnabled": bool}.

    moto also returns options that were never set as empty objects, where SES omits them.
    """

    def to_dict_v2(self: ses_models.ConfigurationSet) -> dict[str, Any]:
        enabled = self.enabled.get("SendingEnabled", True) if isinstance(self.enabled, dict) else bool(self.enabled)
        response = {
            "ConfigurationSetName": self.configuration_set_name,
            "TrackingOptions": self.tracking_options,
            "DeliveryOptions": self.delivery_options,
            "ReputationOptions": self.reputation_options,
            "SendingOptions": {"SendingEnabled": enabled},
            "Tags": self.tags,
            "SuppressionOptions": self.suppression_options,
            "VdmOptions": self.vdm_options,
        }
        return {name: value for name, value in response.items() if value not in ({}, None)}

    ses_models.ConfigurationSet.to_dict_v2 = to_dict_v2  # type: ignore[method-assign]


def sesv2_easy_dkim_has_no_tokens() -> None:
    """Easy DKIM on a domain identity yields no tokens; SES generates three, one CNAME each.

    moto also sends LastKeyGenerationTimestamp as an ISO string where the JSON protocol has a number.
    """
    original_init = ses_models.EmailIdentity.__init__

    def init(self: ses_models.EmailIdentity, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        generated = self.dkim_attributes.get("LastKeyGenerationTimestamp")
        if isinstance(generated, str):
            self.dkim_attributes["LastKeyGenerationTimestamp"] = datetime.fromisoformat(generated).timestamp()
        if self.identity_type == "DOMAIN":
            self.dkim_attributes["Tokens"] = dkim_tokens(self.email_identity)
            self.dkim_attributes.setdefault("CurrentSigningKeyLength", self.dkim_attributes["NextSigningKeyLength"])

    ses_models.EmailIdentity.__init__ = init  # type: ignore[method-assign]


def sesv2_dkim_has_no_signing_hosted_zone() -> None:
    """GetEmailIdentity omits DkimAttributes.SigningHostedZone; SES returns the zone its Easy DKIM CNAMEs
    point into, which AWS documents per region (ses_dkim_domains.json)."""
    original_create = ses_models.SESBackend.create_email_identity_v2

    def create(self: ses_models.SESBackend, email_identity: str, *args: Any, **kwargs: Any) -> Any:
        identity = original_create(self, email_identity, *args, **kwargs)
        if identity.identity_type == "DOMAIN":
            identity.dkim_attributes["SigningHostedZone"] = dkim_signing_hosted_zone(self.region_name)
        return identity

    ses_models.SESBackend.create_email_identity_v2 = create  # type: ignore[method-assign]


def sesv2_identity_tags_use_the_wrong_arn() -> None:
    """moto tags a new identity as email-identity/NAME; its ARN, which tag reads use, is identity/NAME."""
    original_create = SESV2Backend.create_email_identity

    def create(self: SESV2Backend, email_identity: str, tags: list[dict[str, str]] | None, **kwargs: Any) -> Any:
        identity = original_create(self, email_identity=email_identity, tags=tags, **kwargs)
        if tags:
            self.core_backend.tagger.tag_resource(arn=get_arn(self, "ses", f"identity/{email_identity}"), tags=tags)
        return identity

    SESV2Backend.create_email_identity = create  # type: ignore[method-assign,assignment]


def dkim_tokens(domain: str) -> list[str]:
    """Three stable 32-character tokens for a domain, shaped like SES's."""
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    tokens = []
    for index in range(3):
        digest = hashlib.sha256(f"{domain}/{index}".encode()).digest()
        tokens.append("".join(alphabet[byte % 32] for byte in digest[:32]))
    return tokens


def sesv2_mail_from_is_not_implemented() -> None:
    """PutEmailIdentityMailFromAttributes is missing and GetEmailIdentity omits MailFromAttributes."""
    original_property: property = vars(ses_models.EmailIdentity)["get_response_object"]
    original_response = original_property.fget
    assert original_response is not None

    def response_object(self: ses_models.EmailIdentity) -> dict[str, Any]:
        response: dict[str, Any] = original_response(self)
        mail_from = getattr(self, "mail_from_attributes", None)
        if mail_from:
            response["MailFromAttributes"] = mail_from
        return response

    def put_mail_from(self: SESV2Response) -> str:
        identity = self.sesv2_backend.get_email_identity(self._get_param("EmailIdentity"))
        domain = self._get_param("MailFromDomain")
        attributes = {
            "MailFromDomain": domain,
            # Real SES says PENDING until the MX record resolves; the emulator has no DNS to wait for.
            "MailFromDomainStatus": "SUCCESS",
            "BehaviorOnMxFailure": self._get_param("BehaviorOnMxFailure", "USE_DEFAULT_VALUE"),
        }
        setattr(identity, "mail_from_attributes", attributes if domain else None)  # noqa: B010 (not a moto attribute)
        return "{}"

    ses_models.EmailIdentity.get_response_object = property(response_object)  # type: ignore[method-assign,assignment]
    _add_action(
        "put_email_identity_mail_from_attributes", put_mail_from, "/v2/email/identities/{EmailIdentity}/mail-from"
    )


def sesv2_identity_configuration_set_cannot_change() -> None:
    """PutEmailIdentityConfigurationSetAttributes is missing; SES uses it to change the default set."""

    def put(self: SESV2Response) -> str:
        identity = self.sesv2_backend.get_email_identity(self._get_param("EmailIdentity"))
        identity.configuration_set_name = self._get_param("ConfigurationSetName")
        return "{}"

    _add_action(
        "put_email_identity_configuration_set_attributes", put, "/v2/email/identities/{EmailIdentity}/configuration-set"
    )


def sesv2_configuration_set_options_cannot_change() -> None:
    """The PutConfigurationSet*Options calls are missing; SES uses them to update a set in place."""

    def option_setter(attribute: str, fields: tuple[str, ...]) -> Callable[[SESV2Response], str]:
        def put(self: SESV2Response) -> str:
            config_set = self.sesv2_backend.get_configuration_set(self._get_param("ConfigurationSetName"))
            values = {field: self._get_param(field) for field in fields}
            setattr(config_set, attribute, {field: value for field, value in values.items() if value is not None})
            return "{}"

        return put

    setters = {
        "delivery": ("delivery_options", ("TlsPolicy", "SendingPoolName")),
        "reputation": ("reputation_options", ("ReputationMetricsEnabled",)),
        "sending": ("enabled", ("SendingEnabled",)),
        "suppression": ("suppression_options", ("SuppressedReasons",)),
    }
    for option, (attribute, fields) in setters.items():
        path = f"/v2/email/configuration-sets/{{ConfigurationSetName}}/{option}-options"
        _add_action(f"put_configuration_set_{option}_options", option_setter(attribute, fields), path)


def sesv2_event_destinations_are_not_implemented() -> None:
    """The configuration-set event destination calls are missing; SES publishes events through them."""

    def destinations(response: SESV2Response) -> dict[str, dict[str, Any]]:
        config_set = response.sesv2_backend.get_configuration_set(response._get_param("ConfigurationSetName"))
        if not hasattr(config_set, "event_destinations_v2"):
            setattr(config_set, "event_destinations_v2", {})  # noqa: B010 (not a moto attribute)
        found: dict[str, dict[str, Any]] = config_set.event_destinations_v2  # type: ignore[attr-defined]
        return found

    def put(self: SESV2Response) -> str:
        name = self._get_param("EventDestinationName")
        destination = self._get_param("EventDestination") or {}
        destinations(self)[name] = {"Name": name, "Enabled": destination.get("Enabled", False), **destination}
        return "{}"

    def get(self: SESV2Response) -> str:
        return json.dumps({"EventDestinations": list(destinations(self).values())})

    def delete(self: SESV2Response) -> str:
        destinations(self).pop(self._get_param("EventDestinationName"), None)
        return "{}"

    collection = "/v2/email/configuration-sets/{ConfigurationSetName}/event-destinations"
    _add_action("create_configuration_set_event_destination", put, collection)
    _add_action("get_configuration_set_event_destinations", get, collection)
    _add_action("update_configuration_set_event_destination", put, collection + "/{EventDestinationName}")
    _add_action("delete_configuration_set_event_destination", delete, collection + "/{EventDestinationName}")


def sesv2_get_account_is_not_implemented() -> None:
    """GetAccount is missing; SES returns the account's sending quota, its use in the last 24 hours and its
    reputation status. The quota is the one moto's SES v1 GetSendQuota reports (a sandbox account's: 200
    messages a day, 1 per second), counting what was sent through the emulator."""

    def get(self: SESV2Response) -> str:
        quota = self.sesv2_backend.core_backend.get_send_quota()
        return json.dumps(
            {
                "SendQuota": {
                    "Max24HourSend": float(quota.max24_hour_send),
                    "MaxSendRate": float(quota.max_send_rate),
                    "SentLast24Hours": float(quota.sent_last24_hours),
                },
                "EnforcementStatus": "HEALTHY",
                "SendingEnabled": True,
                "ProductionAccessEnabled": False,
                "DedicatedIpAutoWarmupEnabled": False,
            }
        )

    _add_action("get_account", get, "/v2/email/account")


def iam_user_permissions_boundary_is_dropped() -> None:
    """CreateUser ignores PermissionsBoundary and GetUser never returns one; IAM keeps and returns it.

    The credentials function relies on it: IAM only lets it create users that carry the boundary.
    """
    original_create = IamResponse.create_user

    def create_user(self: IamResponse) -> Any:
        result = original_create(self)
        boundary = self._get_param("PermissionsBoundary")
        if boundary:
            user = self.backend.get_user(self._get_param("UserName"))
            setattr(user, "permissions_boundary_arn", boundary)  # noqa: B010 (not a moto attribute)
        return result

    def boundary(self: iam_models.User) -> dict[str, str] | None:
        arn = getattr(self, "permissions_boundary_arn", None)
        return {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": arn} if arn else None

    IamResponse.create_user = create_user  # type: ignore[method-assign]
    iam_models.User.permissions_boundary = property(boundary)  # type: ignore[attr-defined]


def ses_identity_check_is_case_sensitive() -> None:
    """moto refuses a From whose domain differs in case from the verified identity (Alice@Example.com
    for example.com) with MessageRejected. Domain names are case-insensitive (RFC 5321 section 2.4,
    RFC 4343) and SES sends for every address of a verified domain; the local part keeps its case.
    """

    def is_verified(self: ses_models.SESBackend, source: str) -> bool:
        _, address = parseaddr(source)
        local, at, domain = address.rpartition("@")
        identities = {name.lower() if "@" not in name else _lower_domain(name) for name in self.email_identities}
        return (f"{local}@{domain.lower()}" if at else address) in identities or domain.lower() in identities

    ses_models.SESBackend._is_verified_address = is_verified  # type: ignore[method-assign]


def _lower_domain(address: str) -> str:
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def ses_delete_receipt_rule_is_not_implemented() -> None:
    """DeleteReceiptRule is missing, so `terraform destroy` of a receipt rule fails. SES removes the named
    rule from its rule set; only a rule set that does not exist is an error (RuleSetDoesNotExist)."""
    if hasattr(EmailResponse, "delete_receipt_rule"):
        raise RuntimeError("moto now implements delete_receipt_rule; remove the workaround from emulator_gaps.py")

    def delete_receipt_rule(self: EmailResponse) -> Any:
        rule_set_name, rule_name = self._get_param("RuleSetName"), self._get_param("RuleName")
        rule_set = self.backend.receipt_rule_set.get(rule_set_name)
        if rule_set is None:
            raise RuleSetDoesNotExist(f"Rule set does not exist: {rule_set_name}")
        rule_set.rules = [rule for rule in rule_set.rules if rule["Name"] != rule_name]
        return EmptyResult()

    EmailResponse.delete_receipt_rule = delete_receipt_rule  # type: ignore[attr-defined]


def ses_raw_send_adds_header_recipients() -> None:
    """A raw send with explicit destinations also goes to every To/Cc/Bcc of its headers. SES delivers to
    the envelope's destinations when they are given (its "Email format" page: the envelope, not the header,
    routes the message, as with Bcc); forwarding relies on it (To: the sender's address, sent to forward_to)."""
    original_send = ses_models.SESBackend.send_raw_email

    def send_raw_email(
        self: ses_models.SESBackend, source: str, destinations: list[str], raw_data: str
    ) -> ses_models.RawMessage:
        envelope = list(destinations)  # moto extends the list it is given with the headers' addresses
        message = original_send(self, source, destinations, raw_data)
        if envelope:
            message.destinations = envelope
        return message

    ses_models.SESBackend.send_raw_email = send_raw_email  # type: ignore[method-assign]


def policy_conditions_on_absent_keys_hold() -> None:
    """moto counts a condition on a key the request does not carry as met (and a statement whose condition
    fails as a Deny, whatever its Effect). IAM's condition operators page: a key absent from the request
    context makes the condition false, and true for a negated operator (StringNotLike, ArnNotLike, ...);
    ...IfExists and Null test presence. A statement whose condition is false does not apply. moto passes S3
    requests no condition keys, so the received-mail bucket's statements (SES's Allow on aws:SourceArn,
    the TLS-only Deny) then apply to nobody, as to the account's own HTTPS requests on AWS."""
    original = IAMPolicyStatement.is_action_permitted

    def is_action_permitted(
        self: IAMPolicyStatement,
        action: str,
        resource: str = "*",
        principal: str | None = None,
        incoming_condition_values: dict[str, str] | None = None,
    ) -> PermissionResult:
        condition = self._statement.get("Condition") or {}
        if not _conditions_hold(condition, incoming_condition_values or {}):
            return PermissionResult.NEUTRAL
        return original(self, action, resource, principal, incoming_condition_values)

    IAMPolicyStatement.is_action_permitted = is_action_permitted  # type: ignore[method-assign]


def _conditions_hold(condition: dict[str, dict[str, Any]], present: dict[str, str]) -> bool:
    """False when a key the condition tests is absent and the operator is neither negated nor a presence test."""
    for operator, keys in condition.items():
        name = operator.split(":")[-1]  # ForAllValues:/ForAnyValue: qualify the operator
        if name.endswith("IfExists") or name == "Null" or "Not" in name:
            continue
        if any(key not in present for key in keys):
            return False
    return True


def lambda_logging_config_is_dropped() -> None:
    """CreateFunction ignores LoggingConfig; Lambda keeps it (JSON logs into the module's log group)."""
    original_init = lambda_models.LambdaFunction.__init__
    original_configuration = lambda_models.LambdaFunction.get_configuration
    original_update = lambda_models.LambdaFunction.update_configuration

    def init(
        self: lambda_models.LambdaFunction, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any
    ) -> None:
        original_init(self, account_id, spec, *args, **kwargs)
        setattr(self, "logging_config", spec.get("LoggingConfig"))  # noqa: B010 (not a moto attribute)

    def configuration(self: lambda_models.LambdaFunction, *args: Any, **kwargs: Any) -> dict[str, Any]:
        config = original_configuration(self, *args, **kwargs)
        if getattr(self, "logging_config", None):
            config["LoggingConfig"] = self.logging_config  # type: ignore[attr-defined]
        return config

    def update(self: lambda_models.LambdaFunction, updates: dict[str, Any]) -> dict[str, Any]:
        if "LoggingConfig" in updates:
            setattr(self, "logging_config", updates["LoggingConfig"])  # noqa: B010
        return original_update(self, updates)

    lambda_models.LambdaFunction.__init__ = init  # type: ignore[method-assign]
    lambda_models.LambdaFunction.get_configuration = configuration  # type: ignore[method-assign]
    lambda_models.LambdaFunction.update_configuration = update  # type: ignore[method-assign,assignment]


def dynamodb_conditional_writes_race() -> None:
    """moto checks a write's condition and applies it in two steps, so concurrent requests can both
    pass; DynamoDB applies each conditional write atomically. One lock serialises DynamoDB calls."""
    original_call = DynamoHandler.call_action
    lock = threading.Lock()

    def call_action(self: DynamoHandler) -> Any:
        with lock:
            return original_call(self)

    DynamoHandler.call_action = call_action  # type: ignore[method-assign]


def sqs_redrive_policy_is_not_compact_json() -> None:
    """moto returns RedrivePolicy as spaced JSON; SQS returns it compact, and Terraform diffs the two."""
    original: property = vars(sqs_models.Queue)["attributes"]
    original_attributes = original.fget
    assert original_attributes is not None

    def attributes(self: sqs_models.Queue) -> dict[str, Any]:
        result: dict[str, Any] = original_attributes(self)
        if self.redrive_policy:
            result["RedrivePolicy"] = json.dumps(self.redrive_policy, separators=(",", ":"))
        return result

    sqs_models.Queue.attributes = property(attributes)  # type: ignore[method-assign,assignment]


def sqs_event_source_mappings_need_docker() -> None:
    """moto hands messages of a queue with an event source mapping straight to Lambda, which needs
    Docker here, and loses them. The local runner (ses_smtp_local.runner) is the mapping instead."""

    class RecordedOnly(dict[str, Any]):
        def items(self) -> Any:  # what moto iterates to deliver: nothing
            return iter(())

    original_init = sqs_models.Queue.__init__

    def init(self: sqs_models.Queue, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.lambda_event_source_mappings = RecordedOnly()

    sqs_models.Queue.__init__ = init  # type: ignore[method-assign]


def lambda_invoke_needs_docker() -> None:
    """Invoke runs a function in Docker, which the local stack does not have. The project's own functions
    (handler ses_smtp.*) run in-process instead, as ses_smtp.admin.deployment.LocalFunction runs them for
    the CLI, with the emulator's endpoint as their AWS: the events function asking the credentials
    function to quarantine a sender, Terraform's aws_lambda_invocation declaring senders. An unhandled
    error is reported as Lambda reports it (X-Amz-Function-Error: Unhandled, errorMessage and errorType).
    Other functions keep moto's behaviour."""
    original_invoke = lambda_models.LambdaFunction.invoke
    # Lambda runs concurrent invocations in separate environments; here they share one process, so the
    # emulator runs them one after the other (Terraform creates several declared senders in parallel).
    one_at_a_time = threading.Lock()

    def invoke(self: lambda_models.LambdaFunction, body: str, request_headers: Any, response_headers: Any) -> Any:
        if not str(self.handler or "").startswith("ses_smtp."):
            return original_invoke(self, body, request_headers, response_headers)
        from ses_smtp.admin.deployment import IN_PROCESS_APP_ID, LocalFunction
        from ses_smtp_local.emulator import Emulator

        emulator = Emulator(endpoint_url=f"http://{request_headers['Host']}", region=self.region)
        function = LocalFunction(emulator.session(), self.function_name, runtime=emulator.environment())
        # Asked by a function run in this process (the events function quarantining a sender): it holds the
        # turn and waits for this answer, so this runs within its turn; waiting for the turn would deadlock.
        nested = f"app/{IN_PROCESS_APP_ID}" in str(request_headers.get("User-Agent", ""))
        try:
            with nullcontext() if nested else one_at_a_time:  # a function run here swaps process-wide streams
                return json.dumps(function.invoke(json.loads(body or "{}"), within_callers_turn=nested)).encode()
        except Exception as error:  # what Lambda answers for an unhandled error: 200, marked as a function error
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps({"errorMessage": str(error), "errorType": type(error).__name__}).encode()

    lambda_models.LambdaFunction.invoke = invoke  # type: ignore[method-assign]


def route53_zone_ids_do_not_start_with_z() -> None:
    """moto's hosted zone ids are 22 random characters; Route53's start with Z (its API reference's examples,
    e.g. Z3M3LMPEXAMPLE), which the module's existing_route53_zone validation expects."""
    original = route53_models.create_route53_zone_id

    def zone_id(*args: Any, **kwargs: Any) -> str:
        return "Z" + str(original(*args, **kwargs))[1:]

    route53_models.create_route53_zone_id = zone_id


def _add_action(name: str, method: Callable[[SESV2Response], str], path: str) -> None:
    """Serve a new SES v2 action at path ({Name} marks a path parameter, as in the API reference)."""
    if hasattr(SESV2Response, name):
        raise RuntimeError(f"moto now implements {name}; remove the workaround from emulator_gaps.py")
    setattr(SESV2Response, name, method)
    # moto's server routes by literal path, so its "/v2/.*" catch-all never matches a deeper path.
    pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
    sesv2_urls.url_paths["{0}" + pattern + "$"] = SESV2Response.dispatch


GAPS: tuple[Callable[[], None], ...] = (
    sesv2_sending_options_are_malformed,
    sesv2_easy_dkim_has_no_tokens,
    sesv2_dkim_has_no_signing_hosted_zone,
    sesv2_identity_tags_use_the_wrong_arn,
    sesv2_mail_from_is_not_implemented,
    sesv2_identity_configuration_set_cannot_change,
    sesv2_configuration_set_options_cannot_change,
    sesv2_event_destinations_are_not_implemented,
    sesv2_get_account_is_not_implemented,
    iam_user_permissions_boundary_is_dropped,
    ses_identity_check_is_case_sensitive,
    ses_delete_receipt_rule_is_not_implemented,
    ses_raw_send_adds_header_recipients,
    policy_conditions_on_absent_keys_hold,
    lambda_logging_config_is_dropped,
    dynamodb_conditional_writes_race,
    sqs_redrive_policy_is_not_compact_json,
    sqs_event_source_mappings_need_docker,
    lambda_invoke_needs_docker,
    route53_zone_ids_do_not_start_with_z,
)

__all__ = ["GAPS", "dkim_tokens", "install"]
