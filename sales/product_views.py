"""The product catalogue in the back-office: list, search, create, edit, (de)activate."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView, TemplateView

from lumytic.accounts import roles
from lumytic.core.access import StaffRequiredMixin, staff_required
from lumytic.core.lists import LenientPagesMixin, SortableListMixin

from .catalogue import search_products
from .models import Product
from .quotation_forms import ProductFilterForm, ProductForm
from .services.catalogue import create_product, set_product_active, update_product

PRODUCT_SORTS = {
    "name": ("name", "pk"),
    "sku": ("sku",),
    "price": ("currency", "unit_price", "pk"),
    "updated": ("updated_at", "pk"),
}


class ProductListView(StaffRequiredMixin, LenientPagesMixin, SortableListMixin, ListView):
    permission_required = roles.VIEW_PRODUCT
    template_name = "sales/product_list.html"
    paginate_by = 25
    sorts = PRODUCT_SORTS
    default_sort = "name"

    def get_queryset(self):
        self.filter_form = ProductFilterForm(self.request.GET or None)
        queryset = Product.objects.all()
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        queryset = search_products(queryset, data.get("q", ""))
        if data.get("active") == "yes":
            queryset = queryset.filter(is_active=True)
        elif data.get("active") == "no":
            queryset = queryset.filter(is_active=False)
        return self.sorted(queryset)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nav="product-list",
            filter_form=self.filter_form,
            **self.sort_context(),
            sort_columns=[
                ("sku", _("SKU")),
                ("name", _("Name")),
                ("price", _("Unit price")),
                ("updated", _("Updated")),
            ],
            filtering=bool(self.request.GET.get("q") or self.request.GET.get("active")),
            **kwargs,
        )


class ProductFormView(StaffRequiredMixin, TemplateView):
    """Create a product, or edit one."""

    permission_required = (roles.VIEW_PRODUCT, roles.CHANGE_PRODUCT)

    template_name = "sales/product_form.html"

    def get_object(self) -> Product | None:
        pk = self.kwargs.get("pk")
        return get_object_or_404(Product, pk=pk) if pk else None

    def get(self, request, *args, **kwargs):
        product = self.get_object()
        return self.render(product, ProductForm(instance=product))

    def post(self, request, *args, **kwargs):
        product = self.get_object()
        form = ProductForm(request.POST, instance=product)
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return self.render(product, form, status=400)
        if product:
            update_product(product=product, by=request.user, **form.cleaned_data)
            messages.success(request, _("The product is saved."))
        else:
            create_product(by=request.user, **form.cleaned_data)
            messages.success(request, _("The product is added to the catalogue."))
        return redirect("sales:product-list")

    def render(self, product, form, status: int = 200) -> HttpResponse:
        context = self.get_context_data(product=product, form=form, nav="product-list")
        return self.render_to_response(context, status=status)


@require_POST
@staff_required(roles.VIEW_PRODUCT, roles.CHANGE_PRODUCT)
def product_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate a product (it leaves the picker; quotations keep their lines) or reactivate."""
    product = get_object_or_404(Product, pk=pk)
    active = request.POST.get("active") == "1"
    set_product_active(product=product, by=request.user, active=active)
    text = _("%(product)s is active again.") if active else _("%(product)s is deactivated.")
    messages.success(request, text % {"product": product})
    return redirect("sales:product-list")
