"""One FilterSet for the contracts (the list screen and the API) and one for the entries (the export)."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.repurchase.choices import Classification, Holder, Status
from aftersales.repurchase.models import JournalEntry, RepurchaseContract


class ContractFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", max_length=100, label=_("Search"))
    holder = django_filters.ChoiceFilter(choices=Holder.choices, label=_("Repurchase clause"))
    classification = django_filters.ChoiceFilter(choices=Classification.choices, label=_("Classification"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    deadline_before = django_filters.DateFilter(field_name="deadline", lookup_expr="lte", label=_("Deadline until"))
    customer_id = django_filters.NumberFilter(field_name="customer_id", label=_("Customer"))

    class Meta:
        model = RepurchaseContract
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[RepurchaseContract], name: str, value: str) -> QuerySet[RepurchaseContract]:
        if not value:
            return qs
        return qs.filter(Q(number__icontains=value) | Q(asset__icontains=value) | Q(customer__name__icontains=value))


class EntryFilter(django_filters.FilterSet):
    contract = django_filters.NumberFilter(field_name="contract_id", label=_("Contract"))
    posted_from = django_filters.DateFilter(field_name="posted_on", lookup_expr="gte", label=_("From"))
    posted_to = django_filters.DateFilter(field_name="posted_on", lookup_expr="lte", label=_("To"))

    class Meta:
        model = JournalEntry
        fields: list[str] = []
