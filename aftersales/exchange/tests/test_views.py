"""The import screen: preview with row-by-row errors, confirm (all-or-nothing), template downloads."""

import pytest

from aftersales.accounts.choices import Role
from aftersales.customers.models import Customer
from aftersales.exchange.tests.conftest import upload

pytestmark = pytest.mark.django_db
HEADER = ["名称", "联系人", "手机"]
GOOD = [HEADER, ["华东机械有限公司", "张伟", "13812345678"], ["华南设备厂", "李娜", "13912345678"]]
BAD = [HEADER, ["华东机械有限公司", "张伟", "13812345678"], ["", "李娜", "12"]]
HTMX = {"HX-Request": "true"}
JOB_ID = "00000000-0000-4000-8000-000000000000"


def test_import_page_has_form_and_template_links(client, users):
    client.force_login(users[Role.AGENT])

    response = client.get("/import/")

    assert response.status_code == 200
    body = response.content.decode()
    assert 'hx-post="/import/preview/"' in body
    assert "/import/template/customers.xlsx" in body and "/import/template/units.csv" in body


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.FINANCE])
def test_import_forbidden_for_roles_that_cannot_edit_customers(client, users, role):
    client.force_login(users[role])

    assert client.get("/import/").status_code == 403
    assert client.post("/import/run/", {"kind": "customers", "file": upload(GOOD)}).status_code == 403
    assert not Customer.objects.exists()


def test_preview_renders_row_errors_and_writes_nothing(client, users):
    client.force_login(users[Role.AGENT])

    response = client.post("/import/preview/", {"kind": "customers", "file": upload(BAD)}, headers=HTMX)

    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview.total, preview.invalid) == (2, 1)
    rows = {(e["row"], e["field"]) for e in response.context["errors"]}
    assert (3, "名称") in rows
    body = response.content.decode()
    assert 'id="import-errors"' in body
    assert 'id="import-confirm"' not in body  # no import while a row has an error
    assert 'hx-swap-oob="true"' in body
    assert not Customer.objects.exists()


def test_preview_lists_every_problem_of_a_row(client, users):
    """Found by hand, 2026-12-07: a row showed its first problem only, the next once that was fixed."""
    client.force_login(users[Role.AGENT])
    rows = [["名称", "联系人", "手机", "地点", "地址"], ["名" * 201, "张伟", "123", "总部", ""]]

    response = client.post("/import/preview/", {"kind": "customers", "file": upload(rows)}, headers=HTMX)

    assert [(e["row"], e["field"]) for e in response.context["errors"]] == [(2, "名称"), (2, "手机"), (2, "地址")]
    body = response.content.decode()
    assert body.count('<tr><td class="text-nowrap">2</td>') == 3
    assert not Customer.objects.exists()


def test_preview_then_confirm_imports_every_row(client, users):
    # CSV, because openpyxl stamps the time into every xlsx it writes: two xlsx made a second apart
    # are different files (the browser re-sends the very same bytes).
    client.force_login(users[Role.AGENT])
    response = client.post("/import/preview/", {"kind": "customers", "file": upload(GOOD, "csv")}, headers=HTMX)
    assert 'id="import-confirm"' in response.content.decode()
    assert not Customer.objects.exists()

    response = client.post(
        "/import/run/",
        {"kind": "customers", "file": upload(GOOD, "csv"), "digest": response.context["digest"]},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert response.context["imported"].created == 2
    assert 'id="import-done"' in response.content.decode()
    assert Customer.objects.count() == 2


def test_confirm_with_a_different_file_checks_again_and_imports_nothing(client, users):
    client.force_login(users[Role.AGENT])
    digest = client.post("/import/preview/", {"kind": "customers", "file": upload(GOOD)}).context["digest"]

    response = client.post("/import/run/", {"kind": "customers", "file": upload(BAD), "digest": digest})

    assert response.status_code == 409
    assert response.context["changed"] is True
    assert response.context["preview"].invalid == 1
    assert not Customer.objects.exists()


def test_bad_file_error_next_to_file_field(client, users):
    client.force_login(users[Role.AGENT])

    response = client.post("/import/preview/", {"kind": "customers", "file": upload([["nonsense"], ["x"]], "csv")})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["file"]
    body = response.content.decode()
    assert 'id="import-file-errors"' in body and "nonsense" in body


def test_template_download(client, users):
    client.force_login(users[Role.DISPATCHER])

    response = client.get("/import/template/units.xlsx")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert client.get("/import/template/widgets.xlsx").status_code == 404


# ---- large files: a background job with a live row count ---------------------------------------
def running_job(user, *, job_id=JOB_ID, mode="preview", done=1234, total=10000):
    from aftersales.exchange import jobs

    jobs.update_import_job(
        job_id, user_id=user.pk, kind="customers", mode=mode, state="running", done=done, total=total
    )
    return f"/import/jobs/{job_id}/"


def test_job_status_shows_the_row_count_while_running(client, users):
    agent = users[Role.AGENT]
    agent.language = "zh-hans"
    agent.save(update_fields=["language"])
    client.force_login(agent)
    url = running_job(agent)

    response = client.get(url, headers=HTMX)

    assert response.status_code == 200
    body = response.content.decode()
    assert "已检查 1,234 / 10,000 行" in body
    assert f'hx-get="{url}"' in body and 'hx-trigger="every 1s"' in body
    assert 'data-percent="12"' in body and 'aria-valuenow="1234"' in body
    assert 'id="import-preview"' not in body


def test_job_status_swaps_in_the_preview_when_done(client, users):
    from aftersales.exchange import jobs
    from aftersales.exchange.importers import preview_import

    agent = users[Role.AGENT]
    client.force_login(agent)
    url = running_job(agent)
    preview = preview_import(kind="customers", file=upload(BAD), by=agent)
    jobs.update_import_job(JOB_ID, state="done", digest="abc", result={"preview": preview.as_dict()})

    response = client.get(url, headers=HTMX)

    body = response.content.decode()
    assert 'hx-trigger="every 1s"' not in body  # polling stops
    assert 'id="import-errors"' in body and response.context["preview"].invalid == 1
    assert 'id="import-confirm"' not in body


def test_job_status_puts_a_file_error_next_to_the_field(client, users):
    from aftersales.exchange import jobs

    agent = users[Role.AGENT]
    client.force_login(agent)
    url = running_job(agent)
    error = {"code": "missing_column", "detail": "Column “名称” is missing.", "field": "file"}
    jobs.update_import_job(JOB_ID, state="failed", result={"error": error})

    response = client.get(url, headers=HTMX)

    body = response.content.decode()
    assert 'id="import-file-errors" hx-swap-oob="true"><div class="invalid-feedback d-block">Column' in body
    assert 'hx-trigger="every 1s"' not in body


def test_job_status_is_404_for_another_user_and_unknown_jobs(client, users):
    url = running_job(users[Role.AGENT])
    client.force_login(users[Role.DISPATCHER])

    assert client.get(url, headers=HTMX).status_code == 404
    assert client.get("/import/jobs/11111111-1111-4111-8111-111111111111/", headers=HTMX).status_code == 404


def big_file(count, *, bad_row=None):
    rows = [HEADER] + [[f"客户{i:04d}", "张伟", f"1381234{i:04d}"] for i in range(count)]
    if bad_row is not None:
        rows[bad_row][2] = "12"
    return rows


def test_large_file_is_checked_and_imported_in_the_background(client, users, monkeypatch):
    from django.core.files.storage import default_storage

    from aftersales.exchange import views

    client.force_login(users[Role.AGENT])
    started = []
    real_start = views.services.start_import_job
    monkeypatch.setattr(views.services, "start_import_job", lambda **kw: started.append(kw["mode"]) or real_start(**kw))
    rows = big_file(views.BACKGROUND_ROWS + 20)

    # Eager Celery (no broker): the job has finished when the answer is rendered.
    response = client.post("/import/preview/", {"kind": "customers", "file": upload(rows, "csv")}, headers=HTMX)
    assert response.context["preview"].total == len(rows) - 1
    assert 'id="import-confirm"' in response.content.decode()
    assert not Customer.objects.exists()

    response = client.post(
        "/import/run/",
        {"kind": "customers", "file": upload(rows, "csv"), "digest": response.context["digest"]},
        headers=HTMX,
    )

    assert started == ["preview", "import"]
    assert response.context["imported"].created == len(rows) - 1
    assert 'id="import-done"' in response.content.decode()
    assert Customer.objects.count() == len(rows) - 1
    assert default_storage.listdir("imports") == ([], [])


def test_large_file_with_a_bad_row_imports_nothing(client, users):
    from aftersales.exchange import jobs, views

    client.force_login(users[Role.AGENT])
    rows = big_file(views.BACKGROUND_ROWS + 20, bad_row=300)
    file = upload(rows, "csv")

    response = client.post("/import/run/", {"kind": "customers", "file": file, "digest": jobs.file_digest(file)})

    assert response.status_code == 400
    assert response.context["rejected"]
    assert [e["row"] for e in response.context["errors"]] == [301]
    assert not Customer.objects.exists()


def test_large_file_without_the_columns_shows_the_file_error(client, users, monkeypatch):
    from aftersales.exchange import views

    monkeypatch.setattr(views, "BACKGROUND_ROWS", 0)
    client.force_login(users[Role.AGENT])

    response = client.post("/import/preview/", {"kind": "customers", "file": upload([["nonsense"], ["x"]], "csv")})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["file"]
    assert not Customer.objects.exists()


def test_queued_job_without_a_worker_shows_waiting(client, users, settings, monkeypatch):
    from aftersales.exchange import tasks, views

    monkeypatch.setattr(views, "BACKGROUND_ROWS", 0)
    monkeypatch.setattr(tasks.run_import_task, "delay", lambda **kwargs: None)  # a broker nobody serves
    client.force_login(users[Role.AGENT])

    response = client.post("/import/preview/", {"kind": "customers", "file": upload(GOOD, "csv")}, headers=HTMX)

    body = response.content.decode()
    assert "正在排队" in body and 'hx-trigger="every 1s"' in body  # the console speaks Chinese by default
    assert response.context["job"]["state"] == "queued"


def test_the_preview_shows_a_customers_kind_by_its_label(client, users):
    client.force_login(users[Role.AGENT])
    rows = [["名称", "类型", "联系人", "手机"], ["张伟", "person", "张伟", "13812345678"]]
    response = client.post("/import/preview/", {"kind": "customers", "file": upload(rows)}, headers=HTMX)
    assert '<td title="个人">' in response.content.decode() and '<td title="person">' not in response.content.decode()
