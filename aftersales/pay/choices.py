"""Enumerations of the pay context."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", _("Reviewed")
    APPROVED = "approved", _("Approved")


RUN_STATUS_BADGES = {  # registered as "pay.RunStatus"
    RunStatus.DRAFT: "text-bg-warning",
    RunStatus.REVIEWED: "text-bg-info",
    RunStatus.APPROVED: "text-bg-success",
}

# The moves of a pay run and the capability each needs (services.transition_run is the only code that
# assigns PayRun.status). Approved is final: corrections are adjustments in a later run.
RUN_MOVES: dict[tuple[str, str], str] = {
    (RunStatus.DRAFT, RunStatus.REVIEWED): "pay.run_pay",
    (RunStatus.REVIEWED, RunStatus.DRAFT): "pay.run_pay",
    (RunStatus.REVIEWED, RunStatus.APPROVED): "pay.approve_pay",
}


class Release(models.TextChoices):
    """Whether the year's holdback is released (entered at the plan's release month)."""

    UNSET = "", _("Not decided")
    MET = "met", _("Conditions met: release")
    NOT_MET = "not_met", _("Conditions not met: keep")


class Sex(models.TextChoices):
    """For the attendance rule's two thresholds (男96%、女94%); empty: the higher applies."""

    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class YearEndDecision(models.TextChoices):
    """Whether the department met the year's task (entered at the year-end month): the awards of 第四章."""

    UNSET = "", _("Not decided")
    MET = "met", _("The year's task met: pay the awards")
    NOT_MET = "not_met", _("Not met: no award")
