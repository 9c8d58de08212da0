"""docs/deploy.md promises "every environment variable" and the beat schedule: hold it to the settings."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
SETTINGS_DIR = ROOT / "aftersales" / "settings"
# The settings of the test run only (pytest's own worker name), never set by an operator.
NOT_AN_OPERATORS = {"PYTEST_XDIST_WORKER"}
READ = re.compile(r"""(?:os\.environ\.get|os\.environ|env_bool|env_list|env_pairs)[(\[]\s*["']([A-Z][A-Z0-9_]+)["']""")


def _documented(name: str) -> bool:
    if f"`{name}`" in DEPLOY:
        return True
    # A family documented as one row: `AFTERSALES_DEVICES_*`.
    return any(name.startswith(prefix) for prefix in re.findall(r"`([A-Z][A-Z0-9_]*_)\*`", DEPLOY))


def test_every_environment_variable_the_settings_read_is_in_the_deploy_guide() -> None:
    read = {
        name
        for path in sorted(SETTINGS_DIR.glob("*.py"))
        if path.name != "test.py"
        for name in READ.findall(path.read_text(encoding="utf-8"))
    }

    assert "DJANGO_SECRET_KEY" in read  # the pattern finds what the settings read
    assert sorted(name for name in read - NOT_AN_OPERATORS if not _documented(name)) == []


def test_every_periodic_job_of_beat_is_in_the_deploy_guide() -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert sorted(task for task in tasks if f"`{task}`" not in DEPLOY) == []
