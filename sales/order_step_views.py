"""Back-office workflow steps on an order: assign its owner, cancel it, confirm it for the customer.

Each step calls one service, turns its `OrderError` into a message and goes back to the order;
a refused form is a 400 on the page it came from (the order's page, or the confirm page).
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lumytic.accounts import roles
from lumytic.core.steps import run_step
from lumytic.core.workflow import StepRefused

from .address_forms import AddressStep
from .models import Order, OrderLine
from .order_forms import OwnerForm, StaffCancelForm
from .order_views import OrderDetailView
from .services.orders import assign_owner, cancel_order, confirm_order


class OrderAssignOwnerView(OrderDetailView):
    """Make a staff member responsible for the order."""

    permission_required = (roles.VIEW_ORDER, roles.CHANGE_ORDER)

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        order = self.get_order()
        form = OwnerForm(request.POST, auto_id="owner_%s")
        if not form.is_valid():
            messages.error(request, _("Choose an active staff member as the owner."))
            return self.render_page(order, status=400, owner_form=form)
        owner = form.cleaned_data["owner"]
        run_step(
            request,
            assign_owner,
            _("%(owner)s now owns order %(order)s.") % {"owner": owner, "order": order}
            if owner
            else _("Order %(order)s has no owner now.") % {"order": order},
            order=order,
            owner=owner,
        )
        return redirect(order)


class OrderCancelStep:
    """Cancel an order before it is confirmed, staff's or the portal's step: a refused form is a
    400 on the order page (`render_page`), a refused step a message there."""

    http_method_names = ["post"]
    form_refused = ""

    def cancel_form(self, data):
        raise NotImplementedError

    def order_url(self, order: Order) -> str:
        return order.get_absolute_url()

    def post(self, request, *args, **kwargs):
        order = self.get_order()
        form = self.cancel_form(request.POST)
        if not form.is_valid():
            messages.error(request, self.form_refused)
            return self.render_page(order, status=400, cancel_form=form)
        run_step(
            request,
            cancel_order,
            _("Order %(order)s is cancelled.") % {"order": order},
            order=order,
            reason=form.cleaned_data["reason"],
        )
        return redirect(self.order_url(order))


class OrderCancelView(OrderCancelStep, OrderDetailView):
    """Cancel an order before it is confirmed, with a reason."""

    permission_required = (roles.VIEW_ORDER, roles.CHANGE_ORDER)
    form_refused = gettext_lazy("Give a reason for cancelling.")

    def cancel_form(self, data) -> StaffCancelForm:
        return StaffCancelForm(data, auto_id="cancel_%s")


class OrderConfirmView(OrderDetailView):
    """Staff confirm a submitted order for the customer (who phoned or wrote), with billing and
    shipping prefilled from the customer; the timeline and the emails name who acted."""

    permission_required = (roles.VIEW_ORDER, roles.CHANGE_ORDER)
    template_name = "sales/order_confirm.html"

    def get(self, request, *args, **kwargs):
        order = self.get_order()
        if order.status != Order.Status.SUBMITTED:
            return self.not_confirmable(order)
        return self.render_form(order, AddressStep(order.customer))

    def post(self, request, *args, **kwargs):
        order = self.get_order()
        if order.status != Order.Status.SUBMITTED:
            return self.not_confirmable(order)
        step = AddressStep(order.customer, request.POST)
        if not step.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return self.render_form(order, step, status=400)
        try:
            confirm_order(order=order, by=request.user, **step.addresses)
        except StepRefused as error:
            messages.error(request, str(error))
            return self.render_form(order, step, status=400)
        messages.success(
            request,
            _("Order %(order)s is confirmed for %(customer)s.")
            % {"order": order, "customer": order.customer},
        )
        return redirect(order)

    def not_confirmable(self, order: Order) -> HttpResponse:
        messages.info(
            self.request,
            _("Order %(order)s is %(status)s; only a submitted order can be confirmed.")
            % {"order": order, "status": order.get_status_display().lower()},
        )
        return redirect(order)

    def render_form(self, order: Order, step: AddressStep, status: int = 200) -> HttpResponse:
        context = self.get_context_data(
            nav="order-list",
            order=order,
            lines=list(OrderLine.objects.filter(order=order)),
            **step.context(),
        )
        return self.render_to_response(context, status=status)
