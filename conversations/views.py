"""Back-office pages: the inbox, a ticket with its replies and internal notes, an order's thread
(a fragment the order page loads by URL name), attachment downloads, the customer's Tickets tab.

Each POST view validates its form, calls one service, turns a `ConversationError` into a message
next to the form (a 400, nothing written) and redirects on success.
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.db.models import F, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from customers.models import Customer, advised_only
from customers.page_views import CustomerTabView
from lumytic.accounts import roles
from lumytic.core.access import StaffRequiredMixin
from lumytic.core.lists import page_context
from lumytic.core.steps import run_step
from lumytic.core.validation import CheckedForm
from lumytic.core.workflow import StepRefused
from sales.models import Order
from sales.order_forms import staff_users
from sales.responses import signed_document_response

from .audience import order_readers
from .forms import AssignForm, MessageForm, error_text, reply_target
from .models import Attachment, Conversation, Message
from .selectors import thread_messages
from .services import (
    add_note,
    assign_ticket,
    close_ticket,
    post_message,
    reopen_ticket,
)
from .thread_views import OrderThreadMixin, write_message

AGES = {"1": 1, "3": 3, "7": 7, "30": 30}
REPLY_LABEL = gettext_lazy("Your reply")
NOTE_LABEL = gettext_lazy("Note")


# --- The inbox -----------------------------------------------------------------------------------


class InboxFilter(CheckedForm):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("Waiting for us")),
            (Conversation.Status.ANSWERED, gettext_lazy("Answered (customer's turn)")),
            (Conversation.Status.CLOSED, gettext_lazy("Closed")),
            ("all", gettext_lazy("All")),
        ],
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("Tickets and order threads")), *Conversation.Kind.choices],
    )
    assignee = forms.ChoiceField(label=gettext_lazy("Assignee"), required=False)
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.all(), required=False, widget=forms.HiddenInput
    )
    age = forms.ChoiceField(
        label=gettext_lazy("Waiting"),
        required=False,
        choices=[
            ("", gettext_lazy("Any time")),
            ("1", gettext_lazy("Over a day")),
            ("3", gettext_lazy("Over 3 days")),
            ("7", gettext_lazy("Over a week")),
            ("30", gettext_lazy("Over a month")),
        ],
    )

    def __init__(self, *args, staff: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", _("Anyone")),
            ("me", _("Mine")),
            ("none", _("Nobody")),
            *((str(user.pk), str(user)) for user in staff),
        ]

    def apply(self, queryset: QuerySet, user) -> QuerySet:
        data = self.cleaned_data
        status = data.get("status") or Conversation.Status.OPEN
        if status != "all":
            queryset = queryset.filter(status=status)
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        assignee = data.get("assignee")
        if assignee == "me":
            queryset = queryset.responsible(user)
        elif assignee == "none":
            queryset = queryset.unassigned()
        elif assignee:
            queryset = queryset.responsible(int(assignee))
        if data.get("customer"):
            queryset = queryset.filter(customer=data["customer"])
        if data.get("age"):
            cutoff = timezone.now() - timedelta(days=AGES[data["age"]])
            queryset = queryset.filter(
                Q(waiting_since__lte=cutoff)
                | Q(waiting_since__isnull=True, last_message_at__lte=cutoff)
            )
        for word in (data.get("q") or "").split()[:5]:
            queryset = queryset.filter(
                Q(number__icontains=word)
                | Q(subject__icontains=word)
                | Q(order__number__icontains=word)
                | Q(customer__name__icontains=word)
                | Q(customer__number__icontains=word)
            )
        if status == Conversation.Status.OPEN:
            # Whoever has waited longest comes first.
            return queryset.order_by(F("waiting_since").asc(nulls_last=True), "pk")
        return queryset.order_by(F("last_message_at").desc(nulls_last=True), "-pk")


class InboxView(StaffRequiredMixin, TemplateView):
    """Open tickets and order threads whose customer wrote last; filters; a fixed query count."""

    permission_required = roles.VIEW_CONVERSATIONS

    template_name = "conversations/inbox.html"
    paginate_by = 25

    def get(self, request, *args, **kwargs):
        form = InboxFilter(request.GET, staff=list(staff_users()))
        valid = form.is_valid()  # the fields in error are left out of cleaned_data
        if not valid:
            messages.error(request, _("Some filters are not valid; they are ignored."))
        conversations = Conversation.objects.filter(advised_only(request.user)).select_related(
            "customer", "assignee", "order__owner", "last_message__author"
        )
        rows = form.apply(conversations, request.user)
        params = request.GET.copy()
        params.pop("page", None)
        customer = form.cleaned_data.get("customer")
        without_customer = params.copy()
        without_customer.pop("customer", None)
        context = self.get_context_data(
            nav="inbox",
            form=form,
            **page_context(request, rows, self.paginate_by),
            filtering=bool(params),
            filtered_customer=customer,
            without_customer=without_customer.urlencode(),
            now=timezone.now(),
        )
        return self.render_to_response(context, status=200 if valid else 400)


# --- Tickets -------------------------------------------------------------------------------------


class TicketMixin(StaffRequiredMixin):
    """A ticket page or step; the ticket is resolved before the method is dispatched."""

    permission_required = roles.VIEW_CONVERSATIONS

    def test_func(self) -> bool:
        allowed = super().test_func()
        if allowed:
            self.conversation = get_object_or_404(
                Conversation.objects.tickets()
                .filter(advised_only(self.request.user))
                .select_related("customer__advisor", "assignee", "opened_by", "order", "quotation"),
                pk=self.kwargs["pk"],
            )
        return allowed

    def detail_url(self, anchor: str = "") -> str:
        return reverse("conversations:ticket-detail", args=[self.conversation.pk]) + anchor


class TicketDetailView(TicketMixin, TemplateView):
    """A ticket: every message and internal note, the reply and note forms, assignee, close."""

    template_name = "conversations/ticket_detail.html"

    def get(self, request, *args, **kwargs):
        return self.render_page()

    def render_page(self, status: int = 200, **forms_) -> HttpResponse:
        conversation = self.conversation
        visible = conversation.messages.filter(kind=Message.Kind.MESSAGE)
        reply_to = reply_target(self.request, visible)
        note_to = reply_target(self.request, conversation.messages.all())
        kind = self.request.GET.get("as")
        context = self.get_context_data(
            nav="inbox",
            conversation=conversation,
            thread=thread_messages(conversation, notes=True),
            reply_form=forms_.get("reply_form")
            or MessageForm(
                replies_to=visible,
                initial={"reply_to": reply_to} if kind != "note" else {},
                auto_id="reply_%s",
                label=REPLY_LABEL,
            ),
            note_form=forms_.get("note_form")
            or MessageForm(
                replies_to=conversation.messages.all(),
                initial={"reply_to": note_to} if kind == "note" else {},
                auto_id="note_%s",
                label=NOTE_LABEL,
            ),
            replying_to=reply_to if kind != "note" else None,
            noting_to=note_to if kind == "note" else None,
            assign_form=forms_.get("assign_form")
            or AssignForm(
                staff=staff_users(),
                initial={"assignee": conversation.assignee_id},
                auto_id="assign_%s",
            ),
            side="office",
        )
        return self.render_to_response(context, status=status)


class TicketStepView(TicketMixin, View):
    permission_required = (roles.VIEW_CONVERSATIONS, roles.REPLY_CONVERSATIONS)
    http_method_names = ["post"]
    step = None  # a service taking the ticket and the user
    success_message = ""

    def post(self, request, *args, **kwargs):
        run_step(request, self.step, self.success_message, conversation=self.conversation)
        return redirect(self.detail_url())


class TicketWriteView(TicketDetailView):
    """A reply to the customer, or an internal note (`note = True`)."""

    permission_required = (roles.VIEW_CONVERSATIONS, roles.REPLY_CONVERSATIONS)

    http_method_names = ["post"]
    note = False

    def post(self, request, *args, **kwargs):
        conversation = self.conversation
        replies_to = conversation.messages.all()
        if not self.note:
            replies_to = replies_to.filter(kind=Message.Kind.MESSAGE)
        prefix = "note" if self.note else "reply"
        form = MessageForm(
            request.POST,
            request.FILES,
            replies_to=replies_to,
            auto_id=f"{prefix}_%s",
            label=NOTE_LABEL if self.note else REPLY_LABEL,
        )
        if form.is_valid():
            write = add_note if self.note else post_message
            message = write_message(form, write, conversation=conversation, by=request.user)
            if message is not None:
                messages.success(
                    request,
                    _("Your internal note is saved.")
                    if self.note
                    else _("Your reply is sent to the customer."),
                )
                return redirect(self.detail_url(f"#message-{message.pk}"))
        messages.error(request, _("Nothing was sent: %(errors)s") % {"errors": error_text(form)})
        return self.render_page(status=400, **{f"{prefix}_form": form})


class TicketAssignView(TicketDetailView):
    permission_required = (roles.VIEW_CONVERSATIONS, roles.REPLY_CONVERSATIONS)
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = AssignForm(request.POST, staff=staff_users(), auto_id="assign_%s")
        if form.is_valid():
            try:
                assign_ticket(
                    conversation=self.conversation,
                    by=request.user,
                    assignee=form.cleaned_data["assignee"],
                )
            except StepRefused as error:
                form.add_error("assignee", str(error))
            else:
                messages.success(request, _("The ticket is assigned."))
                return redirect(self.detail_url())
        return self.render_page(status=400, assign_form=form)


class TicketCloseView(TicketStepView):
    step = staticmethod(close_ticket)
    success_message = gettext_lazy("The ticket is closed.")


class TicketReopenView(TicketStepView):
    step = staticmethod(reopen_ticket)
    success_message = gettext_lazy("The ticket is open again.")


# --- An order's thread ---------------------------------------------------------------------------


class OrderThreadView(OrderThreadMixin, StaffRequiredMixin, TemplateView):
    permission_required = (roles.VIEW_ORDER, roles.VIEW_CONVERSATIONS)
    post_permission_required = roles.REPLY_CONVERSATIONS
    template_name = "conversations/order_thread.html"
    thread_url_name = "conversations:order-thread"
    order_url_name = "sales:order-detail"
    side = "office"
    sent_text = gettext_lazy("Your message is sent to the customer.")

    def test_func(self) -> bool:
        allowed = super().test_func()
        if allowed:
            self.order = get_object_or_404(
                Order.objects.filter(advised_only(self.request.user)).select_related(
                    "customer", "owner"
                ),
                pk=self.kwargs["pk"],
            )
        return allowed

    def thread_context(self) -> dict:
        return {"nav": "order-list", "readers": order_readers(self.order)}


# --- Files ---------------------------------------------------------------------------------------


class AttachmentView(StaffRequiredMixin, View):
    """Any attachment, notes' included, for staff; always a download."""

    permission_required = roles.VIEW_CONVERSATIONS

    http_method_names = ["get"]

    def get(self, request, pk: int):
        attachments = Attachment.objects.filter(
            advised_only(request.user, "message__conversation__customer")
        )
        return signed_document_response(get_object_or_404(attachments, pk=pk))


# --- The customer page's Tickets tab -------------------------------------------------------------


class CustomerTicketsTab(CustomerTabView):
    permission_required = (roles.VIEW_CUSTOMER, roles.VIEW_CONVERSATIONS)
    tab = "tickets"
    tab_template = "conversations/customer_tickets_tab.html"

    def get_tab_context(self, customer: Customer) -> dict:
        tickets = (
            Conversation.objects.tickets()
            .filter(customer=customer)
            .select_related("assignee", "order", "last_message__author")
            .order_by(F("last_message_at").desc(nulls_last=True), "-pk")
        )
        return {
            "inbox_url": reverse("conversations:inbox") + f"?status=all&customer={customer.pk}",
            **self.paginate(tickets),
        }
