"""Conversations between a customer and the sales team: tickets and order threads.

One model holds both, so the inbox, the counts and the portal list are one query each: a ticket
has a number, a subject and an assignee; an order thread belongs to one order and answers to
the order's owner. Status says whose turn it is; only `conversations.services` changes it.
"""

import os

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lumytic.core.choices import status_display
from lumytic.core.model_fields import STAFF, document_number, status_field, stored_file, user_link
from lumytic.core.uploads import ContentTypeValidator
from lumytic.core.workflow import StatusMachine

ATTACHMENT_MAX_BYTES = 10_485_760
ATTACHMENT_VALIDATOR = ContentTypeValidator(
    kinds=("pdf", "png", "jpeg"), max_bytes=ATTACHMENT_MAX_BYTES
)
MAX_ATTACHMENTS = 5
MAX_BODY = 10_000
MAX_SUBJECT = 200


def responsible_is(user) -> Q:
    """Conversations this staff member answers for: tickets assigned, threads of orders owned."""
    return Q(kind=Conversation.Kind.TICKET, assignee=user) | Q(
        kind=Conversation.Kind.ORDER, order__owner=user
    )


class ConversationQuerySet(models.QuerySet):
    def tickets(self):
        return self.filter(kind=Conversation.Kind.TICKET)

    def awaiting_staff(self):
        """What the inbox lists: open tickets and order threads whose customer wrote last."""
        return self.filter(status=Conversation.Status.OPEN)

    def responsible(self, user):
        return self.filter(responsible_is(user))

    def unassigned(self):
        return self.filter(
            Q(kind=Conversation.Kind.TICKET, assignee__isnull=True)
            | Q(kind=Conversation.Kind.ORDER, order__owner__isnull=True)
        )


class Conversation(StatusMachine, models.Model):
    class Kind(models.TextChoices):
        TICKET = "ticket", _("Ticket")
        ORDER = "order", _("Order thread")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")  # the customer wrote last: the sales team's turn
        ANSWERED = "answered", _("Answered")  # the sales team wrote last: the customer's turn
        CLOSED = "closed", _("Closed")  # tickets only

    get_status_display = status_display
    # A customer message opens (or reopens), a staff reply answers, either side closes a ticket.
    ALLOWED_TRANSITIONS = {
        Status.OPEN: {Status.ANSWERED, Status.CLOSED},
        Status.ANSWERED: {Status.OPEN, Status.CLOSED},
        Status.CLOSED: {Status.OPEN, Status.ANSWERED},
    }

    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.TICKET)
    number = document_number(given_later=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="conversations",
    )
    subject = models.CharField(_("subject"), max_length=MAX_SUBJECT, blank=True)
    status = status_field(Status, Status.OPEN, max_length=10)
    assignee = user_link(
        _("assignee"), related_name="assigned_conversations", blank=True, limit_choices_to=STAFF
    )
    opened_by = user_link(_("opened by"), blank=True)
    # An order thread's order, or the order a ticket is about.
    order = models.ForeignKey(
        "sales.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conversations",
    )
    quotation = models.ForeignKey(
        "sales.Quotation",
        verbose_name=_("quotation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conversations",
    )
    # The latest message the customer can see (notes never count), kept by the services.
    last_message = models.ForeignKey(
        "Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True)
    # Since when the customer has waited for an answer (set while open).
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [
            models.Index(fields=["status", "waiting_since"]),
            models.Index(fields=["customer", "-last_message_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(kind="order"),
                name="conversations_one_thread_per_order",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="ticket", number__isnull=False) & ~Q(subject="")
                    | Q(kind="order", order__isnull=False, quotation__isnull=True)
                    & ~Q(status="closed")
                ),
                name="conversations_ticket_or_order_thread",
            ),
            models.CheckConstraint(
                condition=Q(order__isnull=True) | Q(quotation__isnull=True),
                name="conversations_one_related_document",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.ORDER:
            return str(_("Messages on order %(order)s") % {"order": self.order})
        return f"{self.number} {self.subject}"

    @property
    def is_ticket(self) -> bool:
        return self.kind == self.Kind.TICKET

    @property
    def title(self) -> str:
        """What a person reads as the conversation's name (subject, or the order's number)."""
        if self.is_ticket:
            return self.subject
        return str(_("Order %(order)s") % {"order": self.order})

    @property
    def responsible(self):
        """Who answers for the sales team: the assignee, or an order thread's order owner."""
        return self.assignee if self.is_ticket else self.order.owner

    def can_become(self, status: str) -> bool:
        # An order thread lives as long as its order; only a ticket is ever closed.
        if status == self.Status.CLOSED and not self.is_ticket:
            return False
        return super().can_become(status)


class Message(models.Model):
    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        NOTE = "note", _("Internal note")  # staff only; never shown or sent to the customer

    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("conversation"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.MESSAGE)
    author = user_link(_("author"), blank=True)
    # The side is kept with the message, so it stays right if the author's login goes.
    from_customer = models.BooleanField(_("from the customer"), default=False)
    body = models.TextField(_("message"), max_length=MAX_BODY)
    reply_to = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["conversation", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="note", from_customer=True),
                name="conversations_notes_are_staff_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author or _('Someone')}: {self.excerpt}"

    @property
    def is_note(self) -> bool:
        return self.kind == self.Kind.NOTE

    @property
    def excerpt(self) -> str:
        return excerpt(self.body)


def excerpt(text: str, length: int = 160) -> str:
    """The start of a text on one line, cut at a word."""
    flat = " ".join((text or "").split())
    if len(flat) <= length:
        return flat
    return flat[:length].rsplit(" ", 1)[0] + "…"


class Attachment(models.Model):
    """A file sent with a message: checked by content, stored under a generated name."""

    message = models.ForeignKey(
        Message,
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = stored_file(_("file"), "conversations/attachments", ATTACHMENT_VALIDATOR)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def download_name(self) -> str:
        """The sender's file name with the extension of the stored (content-checked) file."""
        stem = os.path.splitext(self.original_name)[0] or "attachment"
        ext = os.path.splitext(self.file.name)[1]
        return f"{stem}{ext}"
