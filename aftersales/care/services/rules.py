"""Follow-up rules and the call script, edited on the settings screens (managers, administrators)."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.care.choices import AnswerType
from aftersales.care.models import FollowUpRule, ScriptQuestion
from aftersales.care.permissions import can_edit_rules
from aftersales.core.errors import PermissionDeniedError, ValidationFailed
from aftersales.history.services import changed, record_activity, snapshot

RULE_FIELDS = [f.name for f in FollowUpRule._meta.concrete_fields if f.name not in ("id", "created_at", "updated_at")]
QUESTION_FIELDS = ["position", "text", "answer_type", "choices", "required", "active"]


def _check(by: User) -> None:
    if not can_edit_rules(by):
        raise PermissionDeniedError("forbidden", _("You may not change follow-up rules."))


def _check_windows(values: dict[str, Any]) -> None:
    for name in ("callback", "first", "second"):
        if values[f"{name}_closes"] < values[f"{name}_opens"]:
            raise ValidationFailed("invalid_window", _("A window cannot end before it starts."), field=f"{name}_closes")


@transaction.atomic
def save_rule(*, by: User, **values: Any) -> FollowUpRule:
    _check(by)
    _check_windows(values)
    if FollowUpRule.objects.filter(kind=values["kind"]).exists():
        raise ValidationFailed("duplicate", _("This order kind has a rule already."), field="kind")
    rule = FollowUpRule.objects.create(**values)
    record_activity(target=rule, type="follow_up_rule.saved", by=by, changes={k: (None, v) for k, v in values.items()})
    return rule


@transaction.atomic
def update_rule(*, by: User, rule: FollowUpRule, **values: Any) -> FollowUpRule:
    _check(by)
    _check_windows(values)
    if FollowUpRule.objects.filter(kind=values["kind"]).exclude(pk=rule.pk).exists():
        raise ValidationFailed("duplicate", _("This order kind has a rule already."), field="kind")
    before = snapshot(rule, RULE_FIELDS)
    for name, value in values.items():
        setattr(rule, name, value)
    rule.save()
    record_activity(
        target=rule, type="follow_up_rule.saved", by=by, changes=changed(before, snapshot(rule, RULE_FIELDS))
    )
    return rule


def _check_question(values: dict[str, Any]) -> None:
    if values.get("answer_type") == AnswerType.CHOICE and "|" not in (values.get("choices") or ""):
        raise ValidationFailed("invalid_choices", _("Give at least two answers separated by |."), field="choices")


@transaction.atomic
def create_question(*, by: User, **values: Any) -> ScriptQuestion:
    _check(by)
    _check_question(values)
    question = ScriptQuestion.objects.create(**values)
    record_activity(
        target=question, type="script_question.saved", by=by, changes={k: (None, v) for k, v in values.items()}
    )
    return question


@transaction.atomic
def update_question(*, by: User, question: ScriptQuestion, **values: Any) -> ScriptQuestion:
    _check(by)
    _check_question(values)
    before = snapshot(question, QUESTION_FIELDS)
    for name, value in values.items():
        setattr(question, name, value)
    question.save()
    record_activity(
        target=question,
        type="script_question.saved",
        by=by,
        changes=changed(before, snapshot(question, QUESTION_FIELDS)),
    )
    return question
