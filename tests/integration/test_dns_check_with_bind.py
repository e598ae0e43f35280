"""The module's DNS output checked by independent tools: BIND loads and serves the zone file, and
`ses-smtp dns check` against that server finds all well, or names exactly what is broken.

Uses the worker's deployment of examples/local (conftest.py): its real outputs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from checkdmarc.dmarc import parse_dmarc_record
from checkdmarc.mta_sts import parse_mta_sts_policy, parse_mta_sts_record
from checkdmarc.smtp_tls_reporting import parse_smtp_tls_reporting_record
from checkdmarc.spf import parse_spf_record

from ses_smtp.admin import cli
from ses_smtp.admin.dns_check import make_resolver
from ses_smtp.admin.terraform import REPO_ROOT, TerraformRun
from tests.conftest import require_terraform
from tests.integration.bind import Named, check_zone, complete_zone, require_bind

pytestmark = pytest.mark.integration
DOMAIN = "example.com"
# What amazonses.com publishes, enough for an SPF include to resolve offline.
AMAZONSES_ZONE = complete_zone("amazonses.com", '@ 300 IN TXT "v=spf1 ip4:199.255.192.0/22 ip4:199.127.232.0/22 -all"')
# The domain's own inbound mail, which receives the reports its DMARC record asks for.
INBOUND_MX = f"@ 300 IN MX 10 mx1.{DOMAIN}.\nmx1 300 IN A 127.0.0.1\n"


@pytest.fixture(scope="module")
def outputs(deployment: TerraformRun) -> dict[str, Any]:
    return deployment.outputs()


@pytest.fixture
def records_file(outputs: dict[str, Any], tmp_path: Path) -> Path:
    path = tmp_path / "dns_records.json"
    path.write_text(json.dumps({"value": outputs["dns_records"]}))
    return path


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Any]:
    require_bind()
    servers: list[Named] = []

    def start(zone_body: str) -> Named:
        server = Named(
            tmp_path / f"named-{len(servers)}",
            {DOMAIN: complete_zone(DOMAIN, zone_body), "amazonses.com": AMAZONSES_ZONE},
        )
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def check(server: Named, records_file: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, Any]]]:
    code = cli.main(["dns", "check", "--nameserver", server.address, "--records-file", str(records_file), "--json"])
    return code, json.loads(capsys.readouterr().out)


def by_name(findings: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(f["name"], f["type"]): f for f in findings}


def test_the_zone_file_passes_named_checkzone(outputs: dict[str, Any], tmp_path: Path) -> None:
    require_bind()
    path = tmp_path / "example.com.zone"
    path.write_text(complete_zone(DOMAIN, outputs["dns_zone_file"]))
    result = check_zone(DOMAIN, path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout


def test_every_record_checks_out_when_the_zone_is_published(
    outputs: dict[str, Any], serve: Any, records_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, findings = check(serve(outputs["dns_zone_file"]), records_file, capsys)
    assert code == 0, findings
    assert len(findings) == len(outputs["dns_records"])
    assert {f["status"] for f in findings} == {"ok"}


def test_a_missing_dkim_record_is_named(
    outputs: dict[str, Any], serve: Any, records_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = outputs["dns_zone_file"].splitlines()
    dropped = next(line for line in lines if "IN CNAME" in line)
    code, findings = check(serve("\n".join(line for line in lines if line != dropped)), records_file, capsys)
    assert code == 1
    broken = [f for f in findings if f["status"] != "ok"]
    assert [(f["name"], f["status"]) for f in broken] == [(f"{dropped.split()[0]}.{DOMAIN}", "missing")]


def test_a_wrong_mx_shows_expected_and_found(
    outputs: dict[str, Any], serve: Any, records_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zone = outputs["dns_zone_file"].replace(
        "feedback-smtp.eu-west-1.amazonses.com.", "feedback-smtp.us-east-1.amazonses.com."
    )
    code, findings = check(serve(zone), records_file, capsys)
    assert code == 1
    mx = by_name(findings)[(f"mail.{DOMAIN}", "MX")]
    assert mx["status"] == "wrong"
    assert mx["found"] == ["10 feedback-smtp.us-east-1.amazonses.com."]
    assert mx["detail"] == "expected 10 feedback-smtp.eu-west-1.amazonses.com"
    assert [f for f in findings if f["status"] != "ok"] == [mx]


def test_a_second_spf_record_is_a_conflict(
    outputs: dict[str, Any], serve: Any, records_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zone = outputs["dns_zone_file"] + 'mail 1800 IN TXT "v=spf1 include:_spf.google.com ~all"\n'
    code, findings = check(serve(zone), records_file, capsys)
    assert code == 1
    spf = by_name(findings)[(f"mail.{DOMAIN}", "TXT")]
    assert spf["status"] == "conflict"
    assert spf["detail"] == "2 SPF records; only one may exist"


def test_a_malformed_dmarc_record_says_why(
    outputs: dict[str, Any], serve: Any, records_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zone = "\n".join(
        '_dmarc 1800 IN TXT "v=DMARC1; p=bogus"' if line.startswith("_dmarc") else line
        for line in outputs["dns_zone_file"].splitlines()
    )
    code, findings = check(serve(zone), records_file, capsys)
    assert code == 1
    dmarc = by_name(findings)[(f"_dmarc.{DOMAIN}", "TXT")]
    assert dmarc["status"] == "wrong"
    assert dmarc["detail"].startswith("invalid:")
    assert "bogus" in dmarc["detail"]


def test_a_cname_where_a_txt_record_must_live_is_a_conflict(
    outputs: dict[str, Any], serve: Any, records_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zone = "\n".join(line for line in outputs["dns_zone_file"].splitlines() if not line.startswith("_dmarc"))
    zone += "\n_dmarc 1800 IN CNAME _dmarc.elsewhere.example.net.\n"
    code, findings = check(serve(zone), records_file, capsys)
    assert code == 1
    assert by_name(findings)[(f"_dmarc.{DOMAIN}", "TXT")]["status"] == "conflict"


def test_a_dmarc_record_with_tags_rfc_9989_removed_says_what_to_publish(
    outputs: dict[str, Any], serve: Any, records_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # What an earlier version of the module published for dmarc_percent = 0.
    old = f"v=DMARC1; p=none; pct=0; rua=mailto:dmarc-reports@{DOMAIN}; adkim=r; aspf=r"
    zone = "\n".join(
        f'_dmarc 1800 IN TXT "{old}"' if line.startswith("_dmarc") else line
        for line in outputs["dns_zone_file"].splitlines()
    )
    # examples/local receives mail, so its zone already holds the domain's MX: a second would conflict.
    receives = any(r["name"] == DOMAIN and r["type"] == "MX" for r in outputs["dns_records"])
    server = serve(zone if receives else zone + "\n" + INBOUND_MX)
    assert (
        "Support for the pct tag was removed in RFC 9989"
        in parse_dmarc_record(old, DOMAIN, resolver=make_resolver(server.address))["warnings"]
    ), "checkdmarc itself must object to the old record"

    code, findings = check(server, records_file, capsys)
    assert code == 1
    dmarc = by_name(findings)[(f"_dmarc.{DOMAIN}", "TXT")]
    expected = next(r["value"] for r in outputs["dns_records"] if r["name"] == f"_dmarc.{DOMAIN}")
    assert dmarc["status"] == "wrong"
    assert dmarc["found"] == [old]
    assert dmarc["detail"] == (
        "uses tags RFC 9989 removed (pct=0): pct=0 becomes t=y (dmarc_testing_enabled = true), any other pct goes; "
        f"publish {expected}"
    )
    assert [f for f in findings if f["status"] != "ok"] == [dmarc]


@pytest.fixture(scope="module")
def rfc_9989_zones(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Zone files modules/dns renders for t=y and np= (tests/fixtures/dmarc-records), by policy name."""
    require_terraform()
    run = TerraformRun(
        config_dir=REPO_ROOT / "tests" / "fixtures" / "dmarc-records",
        work_dir=tmp_path_factory.mktemp("dmarc-records"),
        environment={"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "fake"},
    )
    run.init()
    run.apply()  # creates nothing: the records are outputs
    zones: dict[str, str] = run.outputs()["zone_files"]
    return zones


@pytest.mark.parametrize("policy", ["testing", "enforcing"])
def test_rfc_9989_records_served_by_bind_pass_checkdmarc_without_a_warning(
    rfc_9989_zones: dict[str, str], serve: Any, policy: str
) -> None:
    server = serve(rfc_9989_zones[policy] + INBOUND_MX)
    resolver = make_resolver(server.address)
    published = [b"".join(r.strings).decode() for r in resolver.resolve(f"_dmarc.{DOMAIN}", "TXT")]
    assert len(published) == 1
    parsed = parse_dmarc_record(published[0], DOMAIN, resolver=resolver)
    assert parsed["warnings"] == []
    tags = parsed["tags"]
    assert tags["np"] == {"value": "reject", "explicit": True}
    assert tags["t"] == ({"value": "y", "explicit": True} if policy == "testing" else {"value": "n", "explicit": False})
    assert not {"pct", "rf", "ri", "psd"} & {name for name, tag in tags.items() if tag["explicit"]}


def test_the_records_pass_checkdmarcs_parsers(outputs: dict[str, Any], serve: Any) -> None:
    server = serve(outputs["dns_zone_file"] + INBOUND_MX)
    txt = {r["name"]: r["value"] for r in outputs["dns_records"] if r["type"] == "TXT"}
    dmarc = parse_dmarc_record(txt[f"_dmarc.{DOMAIN}"], DOMAIN, resolver=make_resolver(server.address))
    assert dmarc["tags"]["p"]["value"] == "none"
    assert dmarc["tags"]["rua"]["value"][0]["address"] == f"dmarc-reports@{DOMAIN}"
    # The example monitors (p=none), which checkdmarc rightly notes; nothing else may draw a warning.
    assert len(dmarc["warnings"]) == 1, dmarc["warnings"]
    assert "p tag value of none" in dmarc["warnings"][0]
    spf = parse_spf_record(txt[f"mail.{DOMAIN}"], f"mail.{DOMAIN}", resolver=make_resolver(server.address))
    assert spf["parsed"]["all"] == "fail"
    tls_rpt = parse_smtp_tls_reporting_record(txt[f"_smtp._tls.{DOMAIN}"])
    assert tls_rpt["tags"]["rua"]["value"] == [f"mailto:tls-reports@{DOMAIN}"]


def policy_id(policy: str) -> str:
    return hashlib.sha256(policy.encode()).hexdigest()[:20]


def test_the_mta_sts_record_and_policy_pass_checkdmarc_and_belong_together(outputs: dict[str, Any]) -> None:
    policy = parse_mta_sts_policy(outputs["mta_sts_policy"])
    assert policy["policy"]["mode"] == "testing"
    assert policy["policy"]["mx"] == [f"mx1.{DOMAIN}", f"mx2.{DOMAIN}"]
    assert policy["policy"]["max_age"] == 604800
    record = next(r["value"] for r in outputs["dns_records"] if r["name"] == f"_mta-sts.{DOMAIN}")
    assert parse_mta_sts_record(record)["tags"]["id"] == policy_id(outputs["mta_sts_policy"])


def test_an_mta_sts_id_left_behind_by_a_policy_change_is_named(
    outputs: dict[str, Any], serve: Any, records_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The record published for an earlier policy, never updated when the policy changed.
    current = outputs["mta_sts_policy"]
    previous = current.replace("mode: testing", "mode: none")
    zone = outputs["dns_zone_file"].replace(policy_id(current), policy_id(previous))
    assert zone != outputs["dns_zone_file"]
    code, findings = check(serve(zone), records_file, capsys)
    assert code == 1
    sts = by_name(findings)[(f"_mta-sts.{DOMAIN}", "TXT")]
    assert sts["status"] == "wrong"
    assert sts["found"] == [f"v=STSv1; id={policy_id(previous)}"]
    assert sts["detail"].startswith("stale policy id: the policy changed since this record was published")
    assert [f for f in findings if f["status"] != "ok"] == [sts]


def check_with_ses(
    server: Named, records_file: Path, outputs: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, Any]]:
    arguments = ["--nameserver", server.address, "--records-file", str(records_file), "--domain", DOMAIN]
    code = cli.main(["dns", "check", *arguments, "--region", outputs["admin_config"]["region"], "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_ses_status_is_shown_with_aws_credentials(
    outputs: dict[str, Any], serve: Any, records_file: Path, emulator_env: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = check_with_ses(serve(outputs["dns_zone_file"]), records_file, outputs, capsys)
    assert code == 0
    assert report["ses"] == {
        "identity_verified": "false",
        "dkim": "SUCCESS",
        "mail_from": "SUCCESS",
        "dkim_signing_hosted_zone": "dkim.amazonses.com",
    }
    assert {finding["status"] for finding in report["records"]} == {"ok"}


def records_from_a_stale_dkim_table(outputs: dict[str, Any], tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    """The records a module would emit whose DKIM domain table named the wrong zone for the region."""
    stale = [
        {**r, "value": r["value"].replace(".dkim.amazonses.com", ".dkim.il-central-1.amazonses.com")}
        if r["type"] == "CNAME"
        else r
        for r in outputs["dns_records"]
    ]
    path = tmp_path / "stale_records.json"
    path.write_text(json.dumps(stale))
    return path, [r for r in stale if r["type"] == "CNAME"]


def test_dkim_cnames_that_follow_a_stale_table_are_wrong_by_ses_own_answer(
    outputs: dict[str, Any], serve: Any, tmp_path: Path, emulator_env: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    records_file, stale_cnames = records_from_a_stale_dkim_table(outputs, tmp_path)
    published = outputs["dns_zone_file"].replace(".dkim.amazonses.com.", ".dkim.il-central-1.amazonses.com.")
    code, report = check_with_ses(serve(published), records_file, outputs, capsys)
    assert code == 1
    wrong = [f for f in report["records"] if f["status"] != "ok"]
    assert [f["name"] for f in wrong] == [r["name"] for r in stale_cnames]
    for finding, stale in zip(wrong, stale_cnames, strict=True):
        right = stale["value"].replace(".dkim.il-central-1.amazonses.com", ".dkim.amazonses.com")
        assert finding["status"] == "wrong"
        assert finding["expected"] == right
        assert finding["found"] == [stale["value"] + "."]
        assert finding["detail"] == (
            f"publish {right}; SES (SigningHostedZone) says {right}, the module's record says {stale['value']}: "
            "SES is right; the module's DKIM domain for this region (ses_dkim_domains.json) is out of date"
        )


def test_dkim_cnames_published_as_ses_says_are_ok_whatever_the_module_said(
    outputs: dict[str, Any], serve: Any, tmp_path: Path, emulator_env: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    records_file, stale_cnames = records_from_a_stale_dkim_table(outputs, tmp_path)
    code, report = check_with_ses(serve(outputs["dns_zone_file"]), records_file, outputs, capsys)
    assert code == 0
    dkim = [f for f in report["records"] if f["type"] == "CNAME"]
    assert [f["status"] for f in dkim] == ["ok"] * len(stale_cnames)
    assert all(f["detail"].startswith("SES (SigningHostedZone) says ") for f in dkim)
