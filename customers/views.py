from django.db.models import Q
from django.views.generic import ListView

from lumytic.core.access import StaffRequiredMixin

from .models import Customer


class CustomerListView(StaffRequiredMixin, ListView):
    template_name = "customers/customer_list.html"
    paginate_by = 25

    def get_queryset(self):
        queryset = Customer.objects.select_related("advisor", "group").order_by("name", "pk")
        query = self.request.GET.get("q", "").strip()
        if query:
            queryset = queryset.filter(
                Q(name__icontains=query)
                | Q(number__iexact=query)
                | Q(email__icontains=query)
                | Q(contacts__first_name__icontains=query)
                | Q(contacts__last_name__icontains=query)
            ).distinct()
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(q=self.request.GET.get("q", ""), nav="customers", **kwargs)


# Placeholders replaced in the next commits.
class _Todo(StaffRequiredMixin, ListView):
    model = Customer
    template_name = "customers/customer_list.html"


CustomerCreateView = CustomerUpdateView = CustomerDeleteView = _Todo
GroupListView = GroupCreateView = GroupUpdateView = _Todo
customer_export = customer_columns = customer_set_active = group_delete = _Todo.as_view()
