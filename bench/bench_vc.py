"""Issue+sign and verify throughput of bridgeway.vc, side by side with the JavaScript reference implementation.

Run: .venv/bin/python -m bench vc     (needs `npm ci` in tests/interop for the JavaScript side)
Each Python round issues (builds + signs with eddsa-rdfc-2022) N distinct Open Badges and verifies them all
(did:web issuer, status list entry checked against a signed status-list credential); the medians of the rounds
are printed. The JavaScript side (@digitalbazaar/vc) issues and verifies the same badge in one process.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bridgeway import vc

ROOT = Path(__file__).resolve().parent.parent
INTEROP = ROOT / "tests" / "interop"
ISSUER = "did:web:college.example"
STATUS_URL = "https://college.example/status/1"
COUNT = 500
ROUNDS = 5
JS_COUNT = 200


def _badge(number: int) -> dict[str, Any]:
    achievement = vc.Achievement(
        id="https://college.example/achievements/mig-welding",
        name="MIG welding fundamentals",
        description="Joins steel plates with MIG welding.",
        criteria_narrative="Produces three fillet welds that pass a visual and a bend test.",
        alignment=[
            vc.Alignment(
                target_name="weld metal pieces",
                target_url="http://data.europa.eu/esco/skill/abc",
                target_type="ext:ESCOSkill",
            )
        ],
        result_description=[
            vc.ResultDescription(
                id="urn:uuid:mastery",
                name="Mastery",
                result_type="RubricCriterionLevel",
                allowed_value=["Developing", "Proficient", "Expert"],
            )
        ],
    )
    subject = vc.AchievementSubject(
        achievement=achievement,
        identifier=vc.IdentityObject.hashed_email(f"learner{number}@example.ca", salt=f"salt{number}"),
        result=[vc.Result(result_description="urn:uuid:mastery", value="Proficient")],
    )
    return vc.build_open_badge_credential(
        id=f"urn:uuid:00000000-0000-4000-8000-{number:012d}",
        issuer=vc.Profile(id=ISSUER, name="Sample Polytechnic"),
        subject=subject,
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        credential_status=vc.status_entry(list_credential_url=STATUS_URL, index=number % 131_072),
    )


def _python(keys: vc.Ed25519KeyPair, fetcher: vc.InMemoryFetcher) -> dict[str, list[float]]:
    resolver = vc.DidResolver(fetcher)
    method = f"{ISSUER}#key-1"
    rates: dict[str, list[float]] = {"sign": [], "verify": [], "sign_cpu": [], "verify_cpu": []}
    for round_ in range(ROUNDS):
        started, cpu = time.perf_counter(), time.process_time()
        signed = [
            vc.sign_credential(
                _badge(round_ * COUNT + i), private_key=keys.private_key, verification_method=method
            )
            for i in range(COUNT)
        ]
        rates["sign"].append(COUNT / (time.perf_counter() - started))
        rates["sign_cpu"].append(COUNT / (time.process_time() - cpu))
        started, cpu = time.perf_counter(), time.process_time()
        results = [vc.verify_credential(s, resolver=resolver, status_fetcher=fetcher) for s in signed]
        rates["verify"].append(COUNT / (time.perf_counter() - started))
        rates["verify_cpu"].append(COUNT / (time.process_time() - cpu))
        assert all(r.valid for r in results), results[0].message
    return rates


def _javascript(keys: vc.Ed25519KeyPair, did_document: dict[str, Any]) -> dict[str, Any] | None:
    if shutil.which("node") is None or not (INTEROP / "node_modules").is_dir():
        return None
    badge = _badge(1)
    del badge["credentialStatus"]  # the JavaScript loop measures signature work only
    request = {
        "command": "bench",
        "count": JS_COUNT,
        "credential": badge,
        "controller": ISSUER,
        "keyId": f"{ISSUER}#key-1",
        "publicKeyMultibase": keys.public_key_multibase,
        "secretKeyMultibase": vc.encode_secret_multikey(keys.private_key),
        "didDocuments": {ISSUER: did_document},
    }
    completed = subprocess.run(
        ["node", str(INTEROP / "vc.mjs")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


def main() -> None:
    """Print sign/s and verify/s medians for Python and JavaScript, and their ratios."""
    keys = vc.generate_ed25519_keypair()
    did_document = vc.did_web_document(ISSUER, [("key-1", keys.public_key)])
    fetcher = vc.InMemoryFetcher({vc.did_web_url(ISSUER): did_document})
    status = vc.build_status_list_credential(
        url=STATUS_URL,
        issuer=ISSUER,
        status_list=vc.StatusList.new(),
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )
    fetcher.add(
        STATUS_URL,
        vc.sign_credential(status, private_key=keys.private_key, verification_method=f"{ISSUER}#key-1"),
    )
    _python(keys, fetcher)  # warm-up: contexts processed once, caches filled
    js = _javascript(keys, did_document)
    rates = _python(keys, fetcher)
    sign, verify = statistics.median(rates["sign"]), statistics.median(rates["verify"])
    sign_cpu, verify_cpu = statistics.median(rates["sign_cpu"]), statistics.median(rates["verify_cpu"])
    print(
        f"{'':8}{'':12}{'wall':>9}  {'cpu':>9}   (per second; medians of {ROUNDS} rounds of {COUNT}, one core)"
    )
    print(f"python  issue+sign  {sign:9.0f}  {sign_cpu:9.0f}")
    print(f"python  verify      {verify:9.0f}  {verify_cpu:9.0f}")
    if js is None:
        print("javascript reference: skipped (run `npm ci` in tests/interop)")
        return
    print(
        f"js      issue+sign  {js['signPerSecond']:9.0f}  {js['signCpuPerSecond']:9.0f}   (@digitalbazaar/vc, {JS_COUNT})"
    )
    print(
        f"js      verify      {js['verifyPerSecond']:9.0f}  {js['verifyCpuPerSecond']:9.0f}   ({js['verified']}/{JS_COUNT} verified)"
    )
    print(
        f"ratio   issue+sign  {sign / js['signPerSecond']:8.1f}x  {sign_cpu / js['signCpuPerSecond']:8.1f}x"
    )
    print(
        f"ratio   verify      {verify / js['verifyPerSecond']:8.1f}x  {verify_cpu / js['verifyCpuPerSecond']:8.1f}x"
    )


if __name__ == "__main__":
    main()
