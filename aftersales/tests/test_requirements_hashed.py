"""Every pin in requirements/*.lock carries its hashes (issue 8 #17; ASVS 5.0 V15.1.2, V15.2.x), so
`uv pip sync --require-hashes` installs exactly what was audited (docs/security.md "Dependencies")."""

import re
from pathlib import Path

import pytest

REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements"
PIN = re.compile(r"^([A-Za-z0-9_.\[\],-]+)==(\S+)")


def pins(lock: Path) -> dict[str, list[str]]:
    """Each pinned name with the hashes on the continuation lines after it."""
    found: dict[str, list[str]] = {}
    current = ""
    for raw in lock.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("--hash=sha256:") and current:
            found[current].append(line.split()[0])
            continue
        match = PIN.match(line)
        if match is None:
            pytest.fail(f"{lock.name}: not an exact pin: {line!r}")
        current = match.group(1)
        found[current] = []
    return found


@pytest.mark.parametrize("name", ["base.lock", "dev.lock"])
def test_every_pin_is_exact_and_hashed(name):
    found = pins(REQUIREMENTS / name)

    assert len(found) > 10
    unhashed = sorted(pin for pin, hashes in found.items() if not hashes)
    assert unhashed == [], f"{name}: pins without --hash: {unhashed}"


def test_the_lock_pins_every_requirement_of_its_in_file():
    base = pins(REQUIREMENTS / "base.lock")
    wanted = [
        re.split(r"[<>=!~\[; ]", line.strip(), maxsplit=1)[0].lower().replace("_", "-")
        for line in (REQUIREMENTS / "base.in").read_text().splitlines()
        if line.strip() and not line.strip().startswith(("#", "-"))
    ]

    assert sorted(set(wanted) - {name.lower().replace("_", "-") for name in base}) == []
