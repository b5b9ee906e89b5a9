"""The portal cart (area "orders"): the catalogue beside the order being built (a draft) or
changed (submitted); adding, changing and removing lines, and submitting the draft, each a small
POST view calling one service.

Every lookup goes through `PlaceOrdersMixin` (see `order_views.py`), so another customer's order
or a colleague's cart is a 404, and changing needs the `place_orders` permission.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from lumytic.core.lists import search_text
from lumytic.core.steps import run_step
from lumytic.core.workflow import StepRefused
from sales.catalogue import product_search
from sales.models import Order, OrderLine
from sales.services.orders import (
    OrderTooLarge,
    catalogue_line,
    create_order,
    line_values,
    submit_order,
    update_order,
)

from .order_forms import AddLineForm, CartForm
from .order_views import PlaceOrdersMixin
from .querysets import order_lines

CATALOGUE_PAGE = 12


@dataclass
class CarriedCart:
    """The cart's lines and header as the customer typed them, unsaved, when a catalogue add
    or a line removal brought them along (static/js/cart.js); else the saved ones."""

    form: CartForm | None
    lines: dict[int, dict]  # line pk -> the values the services take
    header: dict[str, str]

    @property
    def valid(self) -> bool:
        return self.form is None or not self.form.errors


def _carried_cart(request, current: list[OrderLine]) -> CarriedCart:
    lines = dict(zip((line.pk for line in current), line_values(current), strict=True))
    if "customer_reference" not in request.POST and "notes" not in request.POST:
        return CarriedCart(form=None, lines=lines, header={})
    form = CartForm(request.POST, lines=current)
    if not form.is_valid():
        return CarriedCart(form=form, lines=lines, header={})
    for pk, quantity in form.quantities().items():
        lines[pk]["quantity"] = quantity
    return CarriedCart(form=form, lines=lines, header=form.header())


# --- The cart: build or change an order from the catalogue ---------------------------------------


class OrderCartView(PlaceOrdersMixin, TemplateView):
    """The catalogue beside the order being built (a draft) or changed (submitted)."""

    template_name = "portal/order_cart.html"

    def get_template_names(self) -> list[str]:
        if self.request.htmx and self.request.htmx.target == "catalogue":
            return [f"{self.template_name}#catalogue"]
        return [self.template_name]

    def get(self, request, *args, **kwargs):
        if "pk" not in kwargs:
            cart = self.visible().filter(status=Order.Status.DRAFT, placed_by=request.user)
            draft = cart.order_by("-created_at").first()
            if draft is not None:
                return redirect("portal:order-edit", pk=draft.pk)
            return self.render_cart(None)
        order = self.get_order()
        if not order.is_open:
            messages.info(
                request,
                _("Order %(order)s is confirmed; it can't be changed here.") % {"order": order},
            )
            return redirect("portal:order-detail", pk=order.pk)
        return self.render_cart(order)

    def render_cart(self, order: Order | None, status: int = 200, **forms) -> HttpResponse:
        lines = order_lines(order) if order else []
        currency = order.currency if order else self.customer.default_currency
        query = search_text(self.request)
        page = Paginator(product_search(query), CATALOGUE_PAGE).get_page(
            self.request.GET.get("page")
        )
        today = timezone.localdate()
        catalogue = []
        for product in page.object_list:
            try:
                line = catalogue_line(
                    product=product, quantity=1, customer=self.customer, currency=currency, on=today
                )
            except StepRefused:
                line = None  # no rate to price it in this currency today
            catalogue.append((product, line))
        add_url = (
            reverse("portal:order-line-add", args=[order.pk])
            if order
            else reverse("portal:order-create")
        )
        context = self.get_context_data(
            order=order,
            lines=lines,
            currency=currency,
            cart_form=forms.get("cart_form")
            or (
                CartForm(
                    lines=lines,
                    initial={"customer_reference": order.customer_reference, "notes": order.notes},
                )
                if order
                else None
            ),
            add_form=forms.get("add_form"),
            catalogue=catalogue,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            q=query,
            add_url=add_url,
        )
        return self.render_to_response(context, status=status)


class OrderCreateView(OrderCartView):
    """The first product put in the cart creates the draft order."""

    def post(self, request, *args, **kwargs):
        form = AddLineForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return self.render_cart(None, status=400, add_form=form)
        data = form.cleaned_data
        try:
            line = catalogue_line(
                product=data["product"],
                quantity=data["quantity"],
                customer=self.customer,
                currency=self.customer.default_currency,
                on=timezone.localdate(),
            )
            order = create_order(
                customer=self.customer,
                by=request.user,
                placed_by=request.user,
                lines=[line],
                submit=False,
            )
        except StepRefused as error:
            messages.error(request, str(error))
            return self.render_cart(None, status=400, add_form=form)
        messages.success(
            request, _("%(product)s is in your order.") % {"product": data["product"].name}
        )
        return redirect("portal:order-edit", pk=order.pk)


class OrderLineAddView(OrderCartView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        order = self.get_order()
        form = AddLineForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return self.render_cart(order, status=400, add_form=form)
        product, quantity = form.cleaned_data["product"], form.cleaned_data["quantity"]
        carried = _carried_cart(request, order_lines(order))
        if not carried.valid:
            messages.error(request, _("Please correct the errors below; nothing is added yet."))
            return self.render_cart(order, status=400, cart_form=carried.form)
        lines, header = list(carried.lines.values()), carried.header
        try:
            same = next((line for line in lines if line["product"] == product), None)
            if same is not None:
                same["quantity"] += quantity
            else:
                lines.append(
                    catalogue_line(
                        product=product,
                        quantity=quantity,
                        customer=self.customer,
                        currency=order.currency,
                        on=timezone.localdate(),
                    )
                )
            update_order(order=order, by=request.user, lines=lines, **header)
        except OrderTooLarge as error:
            messages.error(request, str(error))
            return self.render_cart(order, status=400, add_form=form)
        except StepRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("%(product)s is in your order.") % {"product": product.name}
            )
        return redirect("portal:order-edit", pk=order.pk)


class OrderLinesUpdateView(OrderCartView):
    """Save changed quantities, the reference and the notes in one update; with
    ``then=submit`` (the cart's Submit button) submit the draft right after, so what the
    customer typed is never lost to a submit."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        order = self.get_order()
        lines = order_lines(order)
        form = CartForm(request.POST, lines=lines)
        submit = request.POST.get("then") == "submit"
        if not form.is_valid():
            messages.error(
                request,
                _("Please correct the errors below; the order is not submitted yet.")
                if submit
                else _("Please correct the errors below."),
            )
            return self.render_cart(order, status=400, cart_form=form)
        try:
            update_order(order=order, by=request.user, **form.changes())
        except StepRefused as error:
            messages.error(request, str(error))
            return redirect("portal:order-edit", pk=order.pk)
        if submit and order.status == Order.Status.DRAFT:
            return _submit(request, order)
        messages.success(request, _("Your changes to the order are saved."))
        if order.status == Order.Status.SUBMITTED:
            return redirect("portal:order-detail", pk=order.pk)
        return redirect("portal:order-edit", pk=order.pk)


class OrderLineRemoveView(OrderCartView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        order = self.get_order()
        lines = order_lines(order)
        removed = next((line for line in lines if line.pk == kwargs["line_pk"]), None)
        if removed is None:
            raise Http404("No such line on this order.")
        carried = _carried_cart(request, lines)
        if not carried.valid:
            messages.error(request, _("Please correct the errors below; nothing is removed yet."))
            return self.render_cart(order, status=400, cart_form=carried.form)
        kept = [values for pk, values in carried.lines.items() if pk != removed.pk]
        run_step(
            request,
            update_order,
            _("%(product)s is removed.") % {"product": removed},
            order=order,
            lines=kept,
            **carried.header,
        )
        return redirect("portal:order-edit", pk=order.pk)


# --- Submitting the draft ------------------------------------------------------------------------


class OrderSubmitView(PlaceOrdersMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        return _submit(request, self.get_order())


def _submit(request, order: Order) -> HttpResponse:
    run_step(
        request,
        submit_order,
        lambda submitted: (
            _("Order %(order)s is sent to our sales team. Confirm it when you are ready.")
            % {"order": submitted}
        ),
        order=order,
    )
    return redirect("portal:order-detail", pk=order.pk)
