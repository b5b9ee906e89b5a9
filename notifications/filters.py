import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .catalogue import event_choices
from .models import OutboundEmail


class OutboundEmailFilter(django_filters.FilterSet):
    """The Outbox list filters: status, event and a recipient or subject search."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=OutboundEmail.Status.choices, empty_label=_("Any status")
    )
    event = django_filters.ChoiceFilter(
        label=_("Event"), choices=event_choices(), empty_label=_("Any event")
    )

    class Meta:
        model = OutboundEmail
        fields = ["q", "status", "event"]

    def search(self, queryset, name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(to_email__icontains=value) | Q(to_name__icontains=value) | Q(subject__icontains=value)
        )
