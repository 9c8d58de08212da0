"""Password rules of our own, added to Django's in ``AUTH_PASSWORD_VALIDATORS``."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from aftersales.accounts.selectors import company_profile

# Words anyone guessing a password here tries first (ASVS 5.0 V6.1.2, V6.2.11; docs/security.md):
# the product's names, and the company's name (the company profile's, and AFTERSALES["COMPANY_NAME"]).
CONTEXT_WORDS = ("aftersales", "after-sales", "after sales", "shouhou", "售后")


def context_words() -> list[str]:
    names = (company_profile().name, str(settings.AFTERSALES.get("COMPANY_NAME", "")))
    companies = dict.fromkeys(name.strip() for name in names if name.strip())
    return [*CONTEXT_WORDS, *companies]


class ContextWordsValidator:
    """Refuses the demo password (printed in the README and by ``load_demo``) and any password that
    contains a word of this product or company, whatever the case."""

    def validate(self, password: str, user: Any = None) -> None:
        folded = password.casefold()
        if password == settings.AFTERSALES.get("DEMO_PASSWORD"):
            raise ValidationError(_("This is the demo password; choose another."), code="password_demo")
        for word in context_words():
            if word.casefold() in folded:
                raise ValidationError(
                    _("The password must not contain “%(word)s”: it is among the first words guessed here."),
                    code="password_context_word",
                    params={"word": word},
                )

    def get_help_text(self) -> str:
        return _("Your password can't be the demo password or contain the product's or the company's name.")
