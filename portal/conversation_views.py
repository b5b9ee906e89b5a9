"""The customer's messages: tickets (open one, reply, close, reopen) and the thread on an order.

Every lookup starts from `scoped()` and then `visible_conversations()`, so another customer's
ticket, a ticket about a colleague's order under "only show my own orders", and every internal
note are simply not found (404) — in pages and in downloads alike.
"""

from django.contrib import messages
from django.db.models import F, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from conversations.forms import MessageForm, TicketForm, error_text, reply_target
from conversations.models import Attachment, Conversation, Message
from conversations.selectors import thread_messages
from conversations.services import (
    close_ticket,
    open_ticket,
    post_message,
    reopen_ticket,
)
from conversations.thread_views import OrderThreadMixin, write_message
from lumytic.core.lists import chosen, page_context
from lumytic.core.steps import run_step
from lumytic.core.workflow import StepRefused
from sales.models import Order, Quotation
from sales.responses import signed_document_response

from .access import PortalRequiredMixin, has_area
from .conversation_access import visible_conversations
from .models import Area
from .order_views import OrderAreaMixin
from .querysets import visible_orders, visible_quotations

NAV = "conversations"


class ConversationMixin(PortalRequiredMixin):
    nav = NAV

    def visible(self) -> QuerySet:
        return visible_conversations(self.scoped(Conversation.objects.all()), self.request.user)


class ConversationListView(ConversationMixin, TemplateView):
    """The company's tickets and order threads this user may read, newest activity first."""

    template_name = "portal/conversation_list.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        conversations = self.visible().select_related("order", "quotation", "last_message__author")
        status = chosen(self.request, "status", Conversation.Status.values)
        if status:
            conversations = conversations.filter(status=status)
        kind = chosen(self.request, "kind", Conversation.Kind.values)
        if kind:
            conversations = conversations.filter(kind=kind)
        conversations = conversations.order_by(F("last_message_at").desc(nulls_last=True), "-pk")
        return super().get_context_data(
            **page_context(self.request, conversations, self.paginate_by),
            status=status,
            statuses=Conversation.Status.choices,
            kind=kind,
            kinds=Conversation.Kind.choices,
            filtering=bool(status or kind),
            **kwargs,
        )


class TicketCreateView(ConversationMixin, TemplateView):
    """A new ticket: subject, message, files, and optionally one of the user's documents."""

    template_name = "portal/ticket_form.html"

    def form(self, data=None, files=None) -> TicketForm:
        user = self.request.user
        orders = Order.objects.none()
        quotations = Quotation.objects.none()
        if has_area(user, Area.ORDERS):
            orders = visible_orders(self.scoped(Order.objects.all()), user).exclude(
                status=Order.Status.DRAFT
            )
        if has_area(user, Area.QUOTATIONS):
            quotations = self.scoped(visible_quotations())
        initial = {}
        order_pk = self.request.GET.get("order", "")
        if order_pk.isdigit():
            initial["related"] = f"order:{order_pk}"  # only kept if it is one of the choices
        return TicketForm(
            data,
            files,
            orders=orders.order_by("-created_at", "-pk")[:100],
            quotations=quotations.order_by("-created_at", "-pk")[:100],
            initial=initial,
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = open_ticket(
                    customer=self.customer,
                    by=request.user,
                    subject=data["subject"],
                    body=data["body"],
                    files=data["files"],
                    **form.related_documents(),
                )
            except StepRefused as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "Thank you! Ticket %(number)s is with our sales team; we email you when "
                        "they answer."
                    )
                    % {"number": ticket.number},
                )
                return redirect("portal:ticket-detail", pk=ticket.pk)
        messages.error(request, _("Please correct the errors below."))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TicketMixin(ConversationMixin):
    """A ticket page or step: resolved before the method is dispatched, so a foreign id is a
    404 whatever the method."""

    def test_func(self) -> bool:
        allowed = super().test_func()
        if allowed:
            self.conversation = get_object_or_404(
                self.visible().tickets().select_related("customer", "order", "quotation"),
                pk=self.kwargs["pk"],
            )
        return allowed


class TicketDetailView(TicketMixin, TemplateView):
    template_name = "portal/ticket_detail.html"

    def get(self, request, *args, **kwargs):
        return self.render_page()

    def replies_to(self) -> QuerySet:
        return self.conversation.messages.filter(kind=Message.Kind.MESSAGE)

    def render_page(self, status: int = 200, form=None) -> HttpResponse:
        reply_to = reply_target(self.request, self.replies_to())
        context = self.get_context_data(
            conversation=self.conversation,
            thread=thread_messages(self.conversation, notes=False),
            form=form
            or MessageForm(
                replies_to=self.replies_to(),
                initial={"reply_to": reply_to},
                label=_("Your reply"),
            ),
            replying_to=reply_to,
            side="portal",
        )
        return self.render_to_response(context, status=status)


class TicketReplyView(TicketDetailView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = MessageForm(
            request.POST, request.FILES, replies_to=self.replies_to(), label=_("Your reply")
        )
        if form.is_valid():
            message = write_message(
                form, post_message, conversation=self.conversation, by=request.user
            )
            if message is not None:
                messages.success(request, _("Your message is sent to our sales team."))
                return redirect(
                    reverse("portal:ticket-detail", args=[self.conversation.pk])
                    + f"#message-{message.pk}"
                )
        messages.error(request, _("Nothing was sent: %(errors)s") % {"errors": error_text(form)})
        return self.render_page(status=400, form=form)


class TicketStepView(TicketMixin, View):
    http_method_names = ["post"]
    step = None  # a service taking the ticket and the user
    success_message = ""

    def post(self, request, *args, **kwargs):
        run_step(request, self.step, self.success_message, conversation=self.conversation)
        return redirect("portal:ticket-detail", pk=self.conversation.pk)


class TicketCloseView(TicketStepView):
    step = staticmethod(close_ticket)
    success_message = gettext_lazy("The ticket is closed. Write again any time to reopen it.")


class TicketReopenView(TicketStepView):
    step = staticmethod(reopen_ticket)
    success_message = gettext_lazy("The ticket is open again; our sales team will answer.")


class OrderThreadView(OrderThreadMixin, OrderAreaMixin, TemplateView):
    template_name = "portal/order_thread.html"
    nav = Area.ORDERS
    thread_url_name = "portal:order-thread"
    order_url_name = "portal:order-detail"
    side = "portal"
    sent_text = gettext_lazy("Your message is sent to our sales team.")

    def test_func(self) -> bool:
        allowed = super().test_func()
        if allowed:
            self.order = self.get_order()  # another customer's or a hidden order: 404
        return allowed


class AttachmentView(ConversationMixin, View):
    """A file of a message this user may read; notes' files are never found."""

    http_method_names = ["get"]

    def test_func(self) -> bool:
        allowed = super().test_func()
        if allowed:
            # Resolved before the method is dispatched: a foreign id is 404 for every method.
            self.attachment = get_object_or_404(
                Attachment.objects.filter(
                    message__conversation__in=self.visible(), message__kind=Message.Kind.MESSAGE
                ),
                pk=self.kwargs["pk"],
            )
        return allowed

    def get(self, request, *args, **kwargs):
        return signed_document_response(self.attachment)
