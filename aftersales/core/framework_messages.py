"""Django's own texts that its Simplified Chinese catalogue does not translate, translated in core's
catalogue so the Chinese console shows no English. Marked here so that ``makemessages`` keeps them."""

from django.utils.translation import gettext_noop

UNTRANSLATED_BY_DJANGO = (
    # Django 6's empty choice of a select (django.db.models.fields.BLANK_CHOICE_LABEL): the intake's
    # product model and the contract form's customer showed it in English (found by hand, 2026-12-06).
    gettext_noop("- Select an option -"),
)
