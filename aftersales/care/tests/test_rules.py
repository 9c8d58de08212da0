"""The follow-up rules and the call script, edited on the settings screens: each write checked and
recorded in history; a window that ends before it starts, a second rule for a kind, a choice question
without choices, or a user who may not edit them: refused, nothing written."""

import pytest

from aftersales.accounts.choices import Role
from aftersales.care.models import FollowUpRule, ScriptQuestion
from aftersales.care.services import rules
from aftersales.core.errors import PermissionDeniedError, ValidationFailed
from aftersales.history.models import Activity
from aftersales.service.choices import OrderKind

pytestmark = pytest.mark.django_db

WINDOWS = {
    "callback": True,
    "callback_opens": 1,
    "callback_closes": 2,
    "first": True,
    "first_opens": 3,
    "first_closes": 5,
    "second": False,
    "second_opens": 6,
    "second_closes": 10,
}


def test_a_rule_is_saved_and_changed_with_its_history(users):
    manager = users[Role.MANAGER]
    FollowUpRule.objects.filter(kind=OrderKind.INSTALLATION).delete()

    rule = rules.save_rule(by=manager, kind=OrderKind.INSTALLATION, **WINDOWS)
    rules.update_rule(by=manager, rule=rule, kind=OrderKind.INSTALLATION, **{**WINDOWS, "first_closes": 7})

    rule.refresh_from_db()
    assert (str(rule), rule.first_window(), rule.second_window()) == (
        str(OrderKind.INSTALLATION.label),
        "3–7",
        "—",
    )
    changes = [a.changes for a in Activity.objects.filter(type="follow_up_rule.saved").order_by("id")]
    assert changes[-1] == {"first_closes": {"old": 5, "new": 7}}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({**WINDOWS, "first_opens": 5, "first_closes": 3}, "first_closes"),
        ({**WINDOWS, "callback_opens": 3, "callback_closes": 1}, "callback_closes"),
    ],
)
def test_a_window_ending_before_it_starts_is_refused(users, values, field):
    before = FollowUpRule.objects.count()
    with pytest.raises(ValidationFailed) as error:
        rules.save_rule(by=users[Role.MANAGER], kind=OrderKind.EXCHANGE, **values)
    assert error.value.field == field and FollowUpRule.objects.count() == before


def test_a_second_rule_for_a_kind_is_refused_on_create_and_update(users):
    manager = users[Role.MANAGER]
    repair = FollowUpRule.objects.get(kind=OrderKind.REPAIR)
    other = FollowUpRule.objects.exclude(kind=OrderKind.REPAIR).first()

    with pytest.raises(ValidationFailed) as created:
        rules.save_rule(by=manager, kind=OrderKind.REPAIR, **WINDOWS)
    with pytest.raises(ValidationFailed) as updated:
        rules.update_rule(by=manager, rule=other, kind=OrderKind.REPAIR, **WINDOWS)

    assert created.value.code == updated.value.code == "duplicate"
    other.refresh_from_db()
    assert other.kind != OrderKind.REPAIR and FollowUpRule.objects.filter(kind=OrderKind.REPAIR).get() == repair


def test_script_questions_are_created_and_changed_and_a_choice_needs_two_answers(users):
    manager = users[Role.MANAGER]

    question = rules.create_question(
        by=manager, position=5, text="是否按时到达？", answer_type="yes_no", choices="", required=True, active=True
    )
    rules.update_question(
        by=manager,
        question=question,
        position=5,
        text="服务态度如何？",
        answer_type="choice",
        choices="好|一般|差",
        required=True,
        active=True,
    )
    with pytest.raises(ValidationFailed) as error:
        rules.update_question(
            by=manager,
            question=question,
            position=5,
            text="x",
            answer_type="choice",
            choices="好",
            required=True,
            active=True,
        )

    question.refresh_from_db()
    assert (question.text, question.choices, error.value.field) == ("服务态度如何？", "好|一般|差", "choices")
    assert Activity.objects.filter(type="script_question.saved").count() == 2


def test_an_agent_may_not_change_rules_or_the_script(users):
    agent = users[Role.AGENT]
    with pytest.raises(PermissionDeniedError):
        rules.save_rule(by=agent, kind=OrderKind.EXCHANGE, **WINDOWS)
    with pytest.raises(PermissionDeniedError):
        rules.create_question(
            by=agent, position=1, text="x", answer_type="text", choices="", required=False, active=True
        )
    assert not ScriptQuestion.objects.filter(text="x").exists()


def test_the_settings_screens_list_and_edit_the_rules(client, users):
    client.force_login(users[Role.MANAGER])
    rule = FollowUpRule.objects.get(kind=OrderKind.REPAIR)

    listing = client.get("/settings/follow-up-rules/")
    saved = client.post(
        f"/settings/follow-up-rules/{rule.pk}/",
        {
            "kind": OrderKind.REPAIR,
            **{k: ("on" if v is True else v) for k, v in WINDOWS.items() if v is not False},
            "second_opens": 6,
            "second_closes": 10,
        },
    )

    rule.refresh_from_db()
    assert listing.status_code == 200 and "3–5" in listing.content.decode()
    assert saved.status_code == 302 and rule.second is False


def test_the_rule_and_question_edit_pages_show_their_history(client, users):
    """docs/console.md "Settings": each edit page ends with a History card. The rules and the script's
    questions recorded their changes, but were no history target, so their pages had no card (found by
    the docs audit, 2026-12-07)."""
    manager = users[Role.MANAGER]
    rule = FollowUpRule.objects.get(kind=OrderKind.REPAIR)
    rules.update_rule(by=manager, rule=rule, kind=OrderKind.REPAIR, **{**WINDOWS, "first_closes": 7})
    question = rules.create_question(
        by=manager, position=9, text="满意吗", answer_type="text", choices="", required=False, active=True
    )
    client.force_login(manager)

    rule_page = client.get(f"/settings/follow-up-rules/{rule.pk}/").content.decode()
    question_page = client.get(f"/settings/call-script/{question.pk}/").content.decode()

    assert "history-panel" in rule_page and '<span class="order-new">7</span>' in rule_page
    assert "history-panel" in question_page and "满意吗" in question_page.split("history-panel", 1)[1]


def test_the_rules_history_is_for_those_who_edit_the_rules(client, users):
    manager, agent = users[Role.MANAGER], users[Role.AGENT]
    rule = FollowUpRule.objects.get(kind=OrderKind.REPAIR)
    rules.update_rule(by=manager, rule=rule, kind=OrderKind.REPAIR, **{**WINDOWS, "first_closes": 7})

    client.force_login(manager)
    assert client.get(f"/api/v1/history/follow_up_rule/{rule.pk}").status_code == 200
    client.force_login(agent)
    assert client.get(f"/api/v1/history/follow_up_rule/{rule.pk}").status_code == 404


def test_the_call_script_list_shows_a_questions_state_as_a_badge_not_a_python_value(client, users):
    # QA 2026-12-07: the Active column read "True" in both languages.
    rules.create_question(
        by=users[Role.MANAGER], position=9, text="满意吗", answer_type="text", choices="", required=False, active=True
    )
    rules.create_question(
        by=users[Role.MANAGER], position=10, text="停用的", answer_type="text", choices="", required=False, active=False
    )
    client.force_login(users[Role.MANAGER])

    page = client.get("/settings/call-script/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert ">True<" not in page and ">False<" not in page
    assert '<span class="badge text-bg-success">在用</span>' in page
    assert '<span class="badge text-bg-secondary">' in page
