"""The background import task: progress and outcome in the cache, the upload deleted, all-or-nothing."""

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from aftersales.accounts.choices import Role
from aftersales.customers.models import Customer
from aftersales.exchange import jobs
from aftersales.exchange.tasks import run_import_task
from aftersales.exchange.tests.conftest import csv_bytes

pytestmark = pytest.mark.django_db
GOOD = [["name", "contact_name", "mobile"]] + [[f"客户{i}", "张伟", f"1381234000{i}"] for i in range(3)]
BAD = [["name", "contact_name", "mobile"], ["华东机械有限公司", "张伟", "13812345678"], ["", "李娜", "12"]]


def stored(rows, job_id="job1"):
    return default_storage.save(f"imports/{job_id}/data.csv", ContentFile(csv_bytes(rows)))


def run(name, user, *, mode="preview", job_id="job1"):
    run_import_task(job_id=job_id, kind="customers", path_or_storage_name=name, user_id=user.pk, mode=mode)
    return cache.get(jobs.job_key(job_id))


@pytest.fixture
def snapshots(monkeypatch):
    """Every state of the job's cache entry, as the screen would have seen it."""
    seen = []
    real = jobs.update_import_job

    def spy(job_id, **fields):
        real(job_id, **fields)
        seen.append(dict(cache.get(jobs.job_key(job_id))))

    monkeypatch.setattr(jobs, "update_import_job", spy)
    monkeypatch.setattr("aftersales.exchange.importers.PROGRESS_EVERY", 1)
    return seen


def test_task_writes_progress_then_the_preview_and_deletes_the_upload(users, snapshots):
    agent = users[Role.AGENT]
    name = stored(GOOD)

    entry = run(name, agent)

    progress = [(s["state"], s.get("done"), s.get("total")) for s in snapshots if "total" in s]
    assert progress == [("running", 0, 3), ("running", 1, 3), ("running", 2, 3), ("running", 3, 3)] + [("done", 3, 3)]
    assert entry["state"] == "done" and entry["user_id"] == agent.pk
    assert entry["result"]["preview"]["total"] == 3 and entry["result"]["preview"]["invalid"] == 0
    assert entry["digest"] == jobs.file_digest(ContentFile(csv_bytes(GOOD)))
    assert not Customer.objects.exists()
    assert not default_storage.exists(name)


def test_task_import_mode_creates_every_row(users):
    name = stored(GOOD)

    entry = run(name, users[Role.AGENT], mode="import")

    assert entry["state"] == "done"
    assert entry["result"]["imported"]["created"] == 3
    assert Customer.objects.count() == 3
    assert not default_storage.exists(name)


def test_task_import_with_a_bad_row_writes_nothing_and_keeps_the_preview(users):
    name = stored(BAD)

    entry = run(name, users[Role.AGENT], mode="import")

    assert entry["state"] == "failed"
    assert entry["result"]["error"]["code"] == "import_has_errors"
    assert entry["result"]["preview"]["invalid"] == 1
    assert not Customer.objects.exists()
    assert not default_storage.exists(name)


def test_task_unreadable_file_records_the_error(users):
    name = stored([["nonsense"], ["x"]])

    entry = run(name, users[Role.AGENT], mode="import")

    assert entry["state"] == "failed"
    assert entry["result"]["error"]["field"] == "file"
    assert "nonsense" in entry["result"]["error"]["detail"]
    assert not Customer.objects.exists()
    assert not default_storage.exists(name)


def test_task_for_a_user_who_may_not_import_fails_and_writes_nothing(users):
    name = stored(GOOD)

    entry = run(name, users[Role.TECHNICIAN], mode="import")

    assert (entry["state"], entry["result"]["error"]["code"]) == ("failed", "forbidden")
    assert not Customer.objects.exists()
