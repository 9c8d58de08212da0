"""Background imports survive a dead worker and a dead broker, and their uploads (customers' names
and mobiles) never outlive the job: redelivered tasks never import twice, uploads of jobs that never
ran are swept, and a job the broker would not take is failed at once with its upload deleted."""

import datetime
import os
import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.core.tests.outages import deadline
from aftersales.customers.models import Customer
from aftersales.exchange import jobs, services
from aftersales.exchange.tasks import run_import_task, sweep_import_uploads
from aftersales.exchange.tests.conftest import csv_bytes
from aftersales.notifications.tests import brokers
from aftersales.notifications.tests.brokers import DOWN_WAYS

pytestmark = pytest.mark.django_db
GOOD = [["name", "contact_name", "mobile"]] + [[f"客户{i}", "张伟", f"1381234000{i}"] for i in range(3)]


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing in the task catches it."""


def stored(rows, job_id="job1"):
    return default_storage.save(f"imports/{job_id}/data.csv", ContentFile(csv_bytes(rows)))


def run(name, user, *, mode="import", job_id="job1"):
    run_import_task(job_id=job_id, kind="customers", path_or_storage_name=name, user_id=user.pk, mode=mode)
    return cache.get(jobs.job_key(job_id))


def age(name, *, hours):
    old = time.time() - hours * 3600
    os.utime(default_storage.path(name), (old, old))


def test_the_import_task_is_acknowledged_when_it_ends_and_redelivered_when_its_worker_dies():
    assert run_import_task.acks_late and run_import_task.reject_on_worker_lost
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert 0 < visibility < jobs.STALE_UPLOAD_SECONDS  # redelivered before the sweep deletes its upload
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1  # a worker holds no extra unacknowledged task


def test_a_redelivered_import_whose_rows_committed_is_done_without_importing_again(users, monkeypatch):
    agent = users[Role.AGENT]
    real = jobs.update_import_job

    def killed_before_recording_done(job_id, **fields):
        if fields.get("state") == jobs.DONE:
            raise WorkerKilled
        real(job_id, **fields)

    monkeypatch.setattr(jobs, "update_import_job", killed_before_recording_done)
    with pytest.raises(WorkerKilled):
        run(stored(GOOD), agent)
    monkeypatch.setattr(jobs, "update_import_job", real)
    assert cache.get(jobs.job_key("job1"))["state"] == jobs.RUNNING
    name = stored(GOOD)  # a killed worker leaves its upload behind

    entry = run(name, agent)  # the broker delivers the task again

    assert entry["state"] == jobs.DONE
    assert entry["result"]["imported"]["created"] == 3
    assert Customer.objects.count() == 3
    assert not default_storage.exists(name)


def test_a_redelivered_job_killed_before_its_rows_committed_runs_again(users):
    jobs.update_import_job("job1", user_id=users[Role.AGENT].pk, state=jobs.RUNNING, done=1, total=3)
    name = stored(GOOD)

    entry = run(name, users[Role.AGENT])

    assert entry["state"] == jobs.DONE
    assert Customer.objects.count() == 3


def test_a_finished_job_delivered_again_is_left_as_it_is(users):
    agent = users[Role.AGENT]
    first = run(stored(GOOD), agent, mode="preview")
    name = stored(GOOD)

    again = run(name, agent, mode="preview")

    assert again == first
    assert not default_storage.exists(name)


def test_the_sweep_deletes_stale_uploads_and_fails_their_jobs(users):
    jobs.update_import_job("stale", user_id=users[Role.AGENT].pk, state=jobs.QUEUED)
    jobs.update_import_job("fresh", user_id=users[Role.AGENT].pk, state=jobs.QUEUED)
    stale, fresh = stored(GOOD, job_id="stale"), stored(GOOD, job_id="fresh")
    age(stale, hours=3)

    assert sweep_import_uploads() == 1

    assert not default_storage.exists(stale)
    assert not os.path.exists(default_storage.path("imports/stale"))
    assert default_storage.exists(fresh)
    entry = cache.get(jobs.job_key("stale"))
    assert (entry["state"], entry["result"]["error"]["code"]) == (jobs.FAILED, "import_abandoned")
    assert cache.get(jobs.job_key("fresh"))["state"] == jobs.QUEUED


def test_the_sweep_with_no_uploads_does_nothing():
    assert jobs.sweep_stale_uploads(now=timezone.now() + datetime.timedelta(days=1)) == 0


def test_a_task_delivered_after_the_sweep_fails_the_job_and_imports_nothing(users):
    jobs.update_import_job("job1", user_id=users[Role.AGENT].pk, state=jobs.QUEUED)

    entry = run("imports/job1/data.csv", users[Role.AGENT])

    assert (entry["state"], entry["result"]["error"]["code"]) == (jobs.FAILED, "import_abandoned")
    assert not Customer.objects.exists()


@pytest.fixture(params=DOWN_WAYS)
def broker_down(request: pytest.FixtureRequest) -> Iterator[None]:
    with brokers.broker_down(request.param):
        yield


@pytest.mark.usefixtures("broker_down")
def test_a_job_the_broker_cannot_take_fails_at_once_and_its_upload_is_deleted(users):
    upload = ContentFile(csv_bytes(GOOD), name="客户.csv")
    started = time.monotonic()

    with deadline(30):
        job_id = services.start_import_job(kind="customers", mode="import", file=upload, by=users[Role.AGENT])

    assert time.monotonic() - started < 2.0
    entry = jobs.import_job_for(job_id=job_id, user=users[Role.AGENT])
    assert (entry["state"], entry["result"]["error"]["code"]) == (jobs.FAILED, "import_not_started")
    assert default_storage.listdir("imports")[0] == []
    assert not Customer.objects.exists()
