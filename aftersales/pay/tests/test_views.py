"""The pay screens: start a run, read a statement with its orders, enter, review, approve, export."""

import re
from typing import Any

from django.test import Client

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.registry import home_panels_for, nav_for
from aftersales.pay import services
from aftersales.pay.models import PayPlan, PayRun
from aftersales.pay.tests.factories import MAY


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_manager_starts_a_run_and_reads_the_statement_traced_to_its_order(setup: dict[str, Any], centre: Any) -> None:
    client = signed_in(setup["manager"])
    answer = client.post("/pay/runs/new/", {"centre": centre.pk, "period": "2026-05"})
    run = PayRun.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/pay/runs/{run.pk}/"

    page = client.get(f"/pay/runs/{run.pk}/").content.decode()
    statement = run.statements.get(user=setup["adviser"])
    assert f"/pay/statements/{statement.pk}/" in page
    detail = client.get(f"/pay/statements/{statement.pk}/").content.decode()
    assert setup["order"].number in detail
    assert f"/orders/{setup['order'].pk}/" in detail


def test_statement_shows_an_amount_figure_as_money_and_a_count_as_it_is(setup: dict[str, Any], centre: Any) -> None:
    client = signed_in(setup["manager"])
    client.post("/pay/runs/new/", {"centre": centre.pk, "period": "2026-05"})
    statement = PayRun.objects.get().statements.get(user=setup["adviser"])
    statement.figures = {
        "own:labour_revenue": {**_figure("labour_revenue"), "value": "12345.6", "unit": "amount"},
        "own:receptions": {**_figure("receptions"), "value": "1234", "unit": "count"},
    }
    statement.save(update_fields=["figures"])

    page = client.get(f"/pay/statements/{statement.pk}/").content.decode()

    # Was "12345.6": money on every other screen reads 12,345.60.
    assert '<span class="fw-semibold">12,345.60</span>' in page
    assert '<span class="fw-semibold">1234</span>' in page


def _figure(code: str) -> dict[str, Any]:
    return {"code": code, "scope": "own", "missing": "", "record_kind": "order", "records": []}


def test_bad_entry_shows_the_error_beside_the_field_and_writes_nothing(setup: dict[str, Any], centre: Any) -> None:
    run = services.create_run(by=setup["manager"], centre=centre, period=MAY)
    statement = run.statements.get(user=setup["adviser"])

    answer = signed_in(setup["manager"]).post(
        f"/pay/statements/{statement.pk}/entries/", {"coefficient_service_adviser": "9"}
    )

    assert answer.status_code == 400
    assert "coefficient_service_adviser_error" in answer.content.decode()
    statement.refresh_from_db()
    assert statement.entries == {}


def test_second_run_of_a_month_is_refused_on_the_form(setup: dict[str, Any], centre: Any) -> None:
    services.create_run(by=setup["manager"], centre=centre, period=MAY)
    answer = signed_in(setup["manager"]).post("/pay/runs/new/", {"centre": centre.pk, "period": "2026-05"})
    assert answer.status_code == 400
    assert PayRun.objects.count() == 1


def test_run_for_a_month_outside_the_years_is_refused_on_the_field(setup: dict[str, Any], centre: Any) -> None:
    answer = signed_in(setup["manager"]).post("/pay/runs/new/", {"centre": centre.pk, "period": "9999-12"})

    assert answer.status_code == 400
    assert "2099-12-31" in answer.context["run_form"].errors["period"][0]
    assert not PayRun.objects.exists()


def test_review_approve_and_export(setup: dict[str, Any], centre: Any, users: dict[str, Any]) -> None:
    run = services.create_run(by=setup["manager"], centre=centre, period=MAY)
    signed_in(setup["manager"]).post(f"/pay/runs/{run.pk}/transition/", {"to": "reviewed"})
    finance = signed_in(users[Role.FINANCE])
    finance.post(f"/pay/runs/{run.pk}/transition/", {"to": "approved"})
    run.refresh_from_db()
    assert run.status == "approved"

    export = finance.get(f"/exports/pay_statements.xlsx?run={run.pk}")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert signed_in(users[Role.AGENT]).get(f"/exports/pay_statements.xlsx?run={run.pk}").status_code == 403


def test_person_sees_only_their_own_approved_statement(
    setup: dict[str, Any], centre: Any, users: dict[str, Any]
) -> None:
    run = services.create_run(by=setup["manager"], centre=centre, period=MAY)
    statement = run.statements.get(user=setup["adviser"])
    adviser = signed_in(setup["adviser"])
    assert adviser.get(f"/pay/statements/{statement.pk}/").status_code == 404
    assert adviser.get(f"/pay/runs/{run.pk}/").status_code == 404
    services.transition_run(by=setup["manager"], run=run, to="reviewed")
    services.transition_run(by=users[Role.FINANCE], run=run, to="approved")
    assert adviser.get(f"/pay/statements/{statement.pk}/").status_code == 200
    assert f"/pay/statements/{statement.pk}/" in adviser.get("/pay/").content.decode()


def test_plan_page_lists_the_values_asked_for(setup: dict[str, Any], users: dict[str, Any]) -> None:
    plan = PayPlan.objects.get()
    page = signed_in(users[Role.ADMIN]).get(f"/pay/plans/{plan.pk}/").content.decode()
    assert '<li title="education.college">学历工资 · 大专（初级职称、（职高）高技）</li>' in page
    assert f"/pay/plans/{plan.pk}/edit/" in page


def test_plan_posts_table_keeps_levels_and_coefficients_on_one_line(
    setup: dict[str, Any], users: dict[str, Any]
) -> None:
    plan = PayPlan.objects.get()
    page = signed_in(users[Role.ADMIN]).get(f"/pay/plans/{plan.pk}/").content.decode()
    posts = page[page.index('class="table table-sm mb-0 small align-middle pay-posts"') :]
    posts = posts[: posts.index("</table>")]

    # The narrow columns wrapped "级别" and "≤ 1.15" over two lines; the quarterly bonus read "2500".
    assert '<th scope="col" class="text-nowrap">级别</th>' in posts
    assert '<th scope="col" class="text-nowrap">系数</th>' in posts
    assert re.search(r'<td class="text-nowrap">(≤ |[0-9])', posts)
    assert re.search(r'<td class="text-nowrap text-end">[0-9]{1,3}(,[0-9]{3})*\.[0-9]{2}</td>', posts)


def test_menu_and_home_panel_follow_the_predicates(setup: dict[str, Any], centre: Any, users: dict[str, Any]) -> None:
    from django.utils import timezone

    services.create_run(by=setup["manager"], centre=centre, period=MAY)
    keys = {entry.key for _group, entries in nav_for(setup["manager"]) for entry in entries}
    assert "pay" in keys
    panels = {p.key for slot in home_panels_for(setup["manager"], now=timezone.now()).values() for p in slot}
    assert "pay.runs" in panels
    panels = {p.key for slot in home_panels_for(setup["adviser"], now=timezone.now()).values() for p in slot}
    assert "pay.runs" not in panels  # nothing approved for them yet


def test_manager_keeps_the_profiles_of_their_centre_only(setup: dict[str, Any], centre: Any, other_centre: Any) -> None:
    outsider = UserFactory(username="bj-agent", role=Role.AGENT, service_center=other_centre)
    newcomer = UserFactory(username="newcomer", role=Role.AGENT, service_center=centre)
    client = signed_in(setup["manager"])

    page = client.get("/pay/profiles/").content.decode()
    assert 'data-user="newcomer"' in page and 'data-user="bj-agent"' not in page
    assert client.get(f"/pay/profiles/{outsider.pk}/").status_code == 404
    refused = client.post(f"/pay/profiles/{newcomer.pk}/", {"education": "bachelor", "joined_on": "2024-03-01"})
    assert refused.status_code == 400  # no post
    saved = client.post(
        f"/pay/profiles/{newcomer.pk}/",
        {
            "education": "bachelor",
            "posts": ["service_adviser", "claims_clerk"],
            "joined_on": "2024-03-01",
            "active": "on",
        },
    )
    assert saved.status_code == 302
    newcomer.pay_profile.refresh_from_db()
    assert newcomer.pay_profile.posts == ["service_adviser", "claims_clerk"]
    assert signed_in(newcomer).get("/pay/profiles/").status_code == 403


def test_every_pay_link_a_person_is_shown_opens_for_them(
    setup: dict[str, Any], centre: Any, users: dict[str, Any]
) -> None:
    """Found by a helper's probe, 2026-12-06: a technician's pay page linked the plan in force, and his
    statement its run, both 404 for him."""
    import re

    run = services.create_run(by=setup["manager"], centre=centre, period=MAY)
    services.transition_run(by=setup["manager"], run=run, to="reviewed")
    services.transition_run(by=users[Role.FINANCE], run=run, to="approved")
    adviser = signed_in(setup["adviser"])
    statement = run.statements.get(user=setup["adviser"])

    links = set()
    for page in ("/pay/", f"/pay/statements/{statement.pk}/"):
        links |= set(re.findall(r'href="(/pay/[^"]*)"', adviser.get(page).content.decode()))

    assert f"/pay/statements/{statement.pk}/" in links
    assert {link: adviser.get(link).status_code for link in links} == dict.fromkeys(links, 200)


def test_can_open_run_agrees_with_the_runs_a_user_sees(
    setup: dict[str, Any], centre: Any, other_centre: Any, users: dict[str, Any]
) -> None:
    from aftersales.pay import permissions

    run = services.create_run(by=setup["manager"], centre=centre, period=MAY)
    people = [*users.values(), setup["adviser"], UserFactory(role=Role.MANAGER, service_center=other_centre)]

    for person in people:
        seen = permissions.runs_visible_to(person).filter(pk=run.pk).exists()
        assert permissions.can_open_run(person, run) is seen, person.username
    assert any(permissions.can_open_run(person, run) for person in people)
    assert not all(permissions.can_open_run(person, run) for person in people)


def test_statement_and_run_name_what_is_asked_for_by_the_plans_labels(
    setup: dict[str, Any], centre: Any, users: dict[str, Any]
) -> None:
    """Left by the 18th session: the warnings said ``education.college: …``, a path into the plan's JSON."""
    from aftersales.pay.tests.factories import profile

    profile(setup["adviser"], "service_adviser", by=setup["manager"], education="college")
    run = services.create_run(by=setup["manager"], centre=centre, period=MAY)
    statement = run.statements.get(user=setup["adviser"])
    client = signed_in(setup["manager"])

    detail = client.get(f"/pay/statements/{statement.pk}/").content.decode()
    run_page = client.get(f"/pay/runs/{run.pk}/").content.decode()

    shown = "学历工资 · 大专（初级职称、（职高）高技）：待填写（来源表中为空）"
    assert shown in detail and shown in run_page
    assert "education.college" not in detail and "education.college" not in run_page


def test_a_managers_draft_is_not_shown_as_his_pay(setup: dict[str, Any], centre: Any, users: dict[str, Any]) -> None:
    """Found by a helper's probe, 2026-12-06: the manager's home read "Your statement 2026-05 ¥…" for the
    draft he was still working on (the page says only approved statements appear there)."""
    from django.utils import timezone

    from aftersales.core.registry import HomeContext
    from aftersales.pay.home import pay_panel

    run = services.create_run(by=setup["manager"], centre=centre, period=MAY)
    own = run.statements.get(user=setup["manager"])
    client = signed_in(setup["manager"])
    home = HomeContext(user=setup["manager"], now=timezone.now())

    assert f"/pay/statements/{own.pk}/" not in _your_statements(client.get("/pay/").content.decode())
    assert pay_panel(home)["mine"] is None
    services.transition_run(by=setup["manager"], run=run, to="reviewed")
    services.transition_run(by=users[Role.FINANCE], run=run, to="approved")
    assert f"/pay/statements/{own.pk}/" in _your_statements(client.get("/pay/").content.decode())
    assert pay_panel(home)["mine"] == own


def _your_statements(page: str) -> str:
    start = page.index('id="h-mine"')
    return page[start : page.index("</section>", start)]


def test_pay_run_and_statement_headings_carry_the_unit_of_their_amounts(setup: dict[str, Any], centre: Any) -> None:
    """Found in a screen review, 2026-12-07: the run's table showed 6000.00 and 655.00 with no unit anywhere."""
    run = services.create_run(by=setup["manager"], centre=centre, period=MAY)
    statement = run.statements.get(user=setup["adviser"])
    client = signed_in(setup["manager"])

    table = client.get(f"/pay/runs/{run.pk}/").content.decode()
    detail = client.get(f"/pay/statements/{statement.pk}/").content.decode()

    # The unit on a line of its own, so a heading is as narrow as its label (a screen review, 2026-12-07).
    unit = '<span class="d-block small fw-normal">（元）</span>'
    headings = re.findall(rf'<th scope="col" class="text-end app-keep-words">([^<]*){unit}</th>', table)
    assert headings[0] == "基本工资" and headings[-1] == "实发"
    assert len(headings) == 10
    assert ">金额（元）</th>" in detail
