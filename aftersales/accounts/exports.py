"""The users and roles list as xlsx/CSV: the "users" export kind, registered in ``AccountsConfig.ready()``
and served by ``exchange``. The rows are the list screen's (``selectors.user_list``: the staff of the
reader's centre, every centre's for those who see them all), searched and filtered as on it; the mobile
numbers make it an audited export."""

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.filters import UserFilter
from aftersales.accounts.permissions import centres_visible_to
from aftersales.accounts.selectors import user_list
from aftersales.core.errors import NotFoundError
from aftersales.core.filtering import check_filters
from aftersales.core.registry import ExportRows
from aftersales.core.tabular import CHUNK_SIZE, capped, export_phone

USER_COLUMNS = (
    gettext_lazy("Username"),
    gettext_lazy("Name"),
    gettext_lazy("Role"),
    gettext_lazy("Service centre"),
    gettext_lazy("Mobile"),
    gettext_lazy("E-mail"),
    gettext_lazy("Active"),
    gettext_lazy("Joined on"),
    gettext_lazy("Last signed in"),
)


def user_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    """The users of the list, searched and filtered as on it (``filters.UserFilter``: ``q``, ``role``,
    ``centre``, ``status``; a bad value is ``invalid_filter``, a centre out of the reader's scope 404 as on the list), in its order: active first, by centre and
    username."""
    filterset = UserFilter(data=params, queryset=user_list(user=user), centres=centres_visible_to(user))
    if filterset.centre_out_of_scope():
        raise NotFoundError("not_found", _("No such service centre."), field="centre")
    check_filters(filterset)
    users = capped(filterset.qs)

    def generate() -> Iterator[list[Any]]:
        for person in users.iterator(chunk_size=CHUNK_SIZE):
            yield [
                person.username,
                person.get_full_name(),
                person.get_roles_display(),
                person.service_center.name if person.service_center else "",
                export_phone(person.phone) if person.phone else "",
                person.email,
                person.is_active,
                timezone.localdate(person.date_joined),
                person.last_login,
            ]

    applied = {name: getattr(value, "pk", value) for name, value in filterset.form.cleaned_data.items() if value}
    return ExportRows(rows=generate(), filters=applied)
