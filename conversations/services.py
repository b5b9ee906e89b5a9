"""Conversations: the only place a ticket's status, an order thread or a message is written.

Each step locks the conversation (or, for an order's first message, the order), checks the
transition table on the model, writes the timeline entry and queues `message_received` for the
other side, all in one transaction. The message commits with its outbox rows; delivery happens
after commit, so a failing email never loses a message.
"""

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from customers.services import record_activity
from lumytic.accounts import roles
from lumytic.accounts.audience import is_reachable_staff, staff_audience
from lumytic.core.access import require_office_perm
from lumytic.core.pages import side_links
from lumytic.core.services import allocate_number
from lumytic.core.uploads import KINDS, display_name, file_kind, fingerprint
from lumytic.core.workflow import StepRefused, require_step
from notifications.services import Recipient, notify
from sales.models import Order, Quotation

from .audience import conversation_readers
from .models import (
    ATTACHMENT_VALIDATOR,
    MAX_ATTACHMENTS,
    MAX_BODY,
    MAX_SUBJECT,
    Attachment,
    Conversation,
    Message,
    excerpt,
)

EMAIL_EXCERPT = 300


class ConversationError(StepRefused):
    """A conversation step the rules refuse; the message is for the user."""


def _name(conversation: Conversation) -> str:
    return conversation.number or conversation.title


# --- Helpers -------------------------------------------------------------------------------------


def is_customer_side(user) -> bool:
    return getattr(user, "role", "") == "portal"


def _locked(conversation: Conversation) -> Conversation:
    # `of` keeps the lock on this row: the order and assignee joins may be empty (outer joins).
    return (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("customer__advisor", "order__owner", "assignee")
        .get(pk=conversation.pk)
    )


def _check_author(customer_id: int, by) -> None:
    """A portal user writes only in their own company's conversations; staff anywhere."""
    if by is None or not getattr(by, "is_active", False):
        raise ConversationError(_("Sign in to write a message."))
    if is_customer_side(by):
        contact = getattr(by, "contact", None)
        if contact is None or contact.customer_id != customer_id:
            raise ConversationError(_("This conversation is not yours."))
    elif not getattr(by, "is_sales_staff", False):
        raise ConversationError(_("Only the sales team and the customer write here."))


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ConversationError(_("Write a message."))
    if len(body) > MAX_BODY:
        raise ConversationError(
            _("A message has at most %(max)s characters.") % {"max": f"{MAX_BODY:,}"}
        )
    return body


def clean_files(files: Iterable[File]) -> list[File]:
    """Check every file (count, size, type by content) before anything is written."""
    files = [f for f in files if f]
    if len(files) > MAX_ATTACHMENTS:
        raise ConversationError(
            _("Attach at most %(max)s files to one message.") % {"max": MAX_ATTACHMENTS}
        )
    for file in files:
        try:
            ATTACHMENT_VALIDATOR(file)
        except ValidationError as error:
            name = display_name(getattr(file, "name", ""))
            raise ConversationError(f"{name}: {' '.join(error.messages)}") from error
    return files


def _attach(message: Message, files: Sequence[File]) -> None:
    for file in files:
        size, sha256 = fingerprint(file)
        kind = file_kind(file)
        attachment = Attachment(
            message=message,
            original_name=display_name(getattr(file, "name", ""), kind=kind),
            size=size,
            sha256=sha256,
        )
        # The stored extension comes from the content, whatever the sender's file was called.
        attachment.file.save(f"attachment{KINDS[kind][1]}", file, save=False)
        attachment.save()


def _check_reply_to(conversation: Conversation, reply_to: Message | None, kind: str) -> None:
    if reply_to is None:
        return
    if reply_to.conversation_id != conversation.pk:
        raise ConversationError(_("You can only reply to a message of this conversation."))
    if reply_to.is_note and kind != Message.Kind.NOTE:
        # A reply the customer sees would quote the note.
        raise ConversationError(_("Only an internal note can reply to an internal note."))


def _move(conversation: Conversation, status: str) -> None:
    if conversation.status == status:
        return
    require_step(conversation, status, name=_name(conversation))
    conversation.status = status


def _record(conversation: Conversation, *, by, verb: str, details: dict | None = None) -> None:
    """Order messages go on the order's timeline; ticket events on the customer's."""
    target = conversation.order if not conversation.is_ticket else conversation
    record_activity(
        actor=by, verb=verb, target=target, customer=conversation.customer, details=details
    )


def _write(
    conversation: Conversation,
    *,
    by,
    body: str,
    files: Sequence[File],
    reply_to: Message | None,
    kind: str = Message.Kind.MESSAGE,
) -> Message:
    """Store a message and its files; a visible one moves the status to the other side's turn."""
    from_customer = is_customer_side(by)
    message = Message.objects.create(
        conversation=conversation,
        kind=kind,
        author=by,
        from_customer=from_customer,
        body=body,
        reply_to=reply_to,
    )
    _attach(message, files)
    if kind == Message.Kind.NOTE:
        conversation.save(update_fields=["updated_at"])
        return message
    now = message.created_at
    _move(conversation, Conversation.Status.OPEN if from_customer else Conversation.Status.ANSWERED)
    if from_customer:
        # The wait starts with the first unanswered customer message.
        conversation.waiting_since = conversation.waiting_since or now
    else:
        conversation.waiting_since = None
    conversation.closed_at = None
    conversation.last_message = message
    conversation.last_message_at = now
    conversation.save(
        update_fields=[
            "status",
            "waiting_since",
            "closed_at",
            "last_message",
            "last_message_at",
            "updated_at",
        ]
    )
    return message


# --- Who is emailed ------------------------------------------------------------------------------


def staff_recipients(conversation: Conversation) -> list:
    """The sales team's side: the assignee (a ticket) or the order owner (an order thread);
    without one, the customer advisor; without one, the shared staff fallback."""
    wanted = (conversation.responsible, conversation.customer.advisor)
    return staff_audience(wanted=[next(filter(is_reachable_staff, wanted), None)])


def customer_recipients(conversation: Conversation) -> list:
    """The customer's side, only people who may read the conversation in the portal.

    An order thread: every portal user who can see the order. A ticket: whoever opened it and
    the colleagues who wrote in it; if none of them can read it any more, every portal user of
    the company who can, so the answer reaches someone.
    """
    readers = conversation_readers(conversation)
    if not conversation.is_ticket:
        return readers
    writers = set(
        conversation.messages.filter(from_customer=True).values_list("author_id", flat=True)
    )
    participants = writers | {conversation.opened_by_id}
    return [user for user in readers if user.pk in participants] or readers


def conversation_links(conversation: Conversation) -> dict[str, str]:
    """The page of the conversation on each side: staff get the office, customers the portal."""
    if conversation.is_ticket:
        office = reverse("conversations:ticket-detail", args=[conversation.pk])
        return side_links(office, "customer-ticket", conversation.pk)
    office = reverse("sales:order-detail", args=[conversation.order_id])
    return side_links(office, "customer-order", conversation.order_id, anchor="#conversation")


def _notify(conversation: Conversation, message: Message, *, files: int) -> None:
    recipients = (
        staff_recipients(conversation)
        if message.from_customer
        else customer_recipients(conversation)
    )
    author = message.author
    sender = (author.get_full_name() or author.email) if author else _("Someone")
    if message.from_customer:
        sender = f"{sender} ({conversation.customer.name})"
    if conversation.is_ticket:
        topic = f"{conversation.number} {conversation.subject}"
        about = [(_("Ticket"), conversation.number), (_("Subject"), conversation.subject)]
    else:
        topic = _("order %(order)s") % {"order": conversation.order.number}
        about = [(_("Order"), conversation.order.number)]
    notify(
        "message_received",
        recipients=[
            user if isinstance(user, Recipient) else Recipient.from_user(user)
            for user in recipients
        ],
        context={"topic": topic},
        details=[
            (_("From"), sender),
            *about,
            (_("Message"), excerpt(message.body, EMAIL_EXCERPT)),
            *([(_("Attachments"), str(files))] if files else []),
        ],
        links=conversation_links(conversation),
    )


# --- Steps ---------------------------------------------------------------------------------------


@transaction.atomic
def open_ticket(
    *,
    customer: Customer,
    by,
    subject: str,
    body: str,
    files: Iterable[File] = (),
    order: Order | None = None,
    quotation: Quotation | None = None,
) -> Conversation:
    """Open a ticket with its first message; it goes to the customer advisor."""
    _check_author(customer.pk, by)
    subject = " ".join((subject or "").split())
    if not subject:
        raise ConversationError(_("Give the ticket a subject."))
    if len(subject) > MAX_SUBJECT:
        raise ConversationError(
            _("A subject has at most %(max)s characters.") % {"max": MAX_SUBJECT}
        )
    if order is not None and quotation is not None:
        raise ConversationError(_("A ticket is about one order or one quotation, not both."))
    related = order or quotation
    if related is not None and related.customer_id != customer.pk:
        raise ConversationError(_("The related document is not this customer's."))
    body = _clean_body(body)
    files = clean_files(files)
    advisor = customer.advisor
    conversation = Conversation.objects.create(
        kind=Conversation.Kind.TICKET,
        number=allocate_number(kind="TCK"),
        customer=customer,
        subject=subject,
        assignee=advisor if is_reachable_staff(advisor) else None,
        opened_by=by,
        order=order,
        quotation=quotation,
    )
    message = _write(conversation, by=by, body=body, files=files, reply_to=None)
    _record(
        conversation,
        by=by,
        verb="ticket opened",
        details={"subject": subject, **({"about": str(related)} if related else {})},
    )
    _notify(conversation, message, files=len(files))
    return conversation


@transaction.atomic
def post_message(
    *,
    conversation: Conversation,
    by,
    body: str,
    files: Iterable[File] = (),
    reply_to: Message | None = None,
) -> Message:
    """Write in a ticket or an order thread and email the other side.

    A customer message (re)opens a ticket; a staff reply marks it answered.
    """
    require_office_perm(by, roles.REPLY_CONVERSATIONS)
    conversation = _locked(conversation)
    _check_author(conversation.customer_id, by)
    body = _clean_body(body)
    files = clean_files(files)
    _check_reply_to(conversation, reply_to, Message.Kind.MESSAGE)
    message = _write(conversation, by=by, body=body, files=files, reply_to=reply_to)
    _record(
        conversation,
        by=by,
        verb="message sent",
        details={"message": message.excerpt, **({"files": len(files)} if files else {})},
    )
    _notify(conversation, message, files=len(files))
    return message


@transaction.atomic
def write_on_order(
    *,
    order: Order,
    by,
    body: str,
    files: Iterable[File] = (),
    reply_to: Message | None = None,
) -> Message:
    """Write in an order's thread, starting it with the first message."""
    require_office_perm(by, roles.REPLY_CONVERSATIONS)
    # The order's lock makes two first messages at once share one thread.
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status == Order.Status.DRAFT:
        raise ConversationError(_("Messages about an order start once it is submitted."))
    _check_author(order.customer_id, by)
    thread, _created = Conversation.objects.get_or_create(
        kind=Conversation.Kind.ORDER,
        order=order,
        defaults={"customer_id": order.customer_id, "opened_by": by},
    )
    return post_message(conversation=thread, by=by, body=body, files=files, reply_to=reply_to)


@transaction.atomic
def add_note(
    *,
    conversation: Conversation,
    by,
    body: str,
    files: Iterable[File] = (),
    reply_to: Message | None = None,
) -> Message:
    """Add an internal note to a ticket: staff only, never shown or emailed to the customer."""
    require_office_perm(by, roles.REPLY_CONVERSATIONS)  # a customer gets ConversationError
    conversation = _locked(conversation)
    if not is_reachable_staff(by):
        raise ConversationError(_("Only the sales team writes internal notes."))
    if not conversation.is_ticket:
        raise ConversationError(_("Internal notes belong on tickets."))
    body = _clean_body(body)
    files = clean_files(files)
    _check_reply_to(conversation, reply_to, Message.Kind.NOTE)
    message = _write(
        conversation, by=by, body=body, files=files, reply_to=reply_to, kind=Message.Kind.NOTE
    )
    _record(conversation, by=by, verb="internal note added", details={"note": message.excerpt})
    return message


@transaction.atomic
def close_ticket(*, conversation: Conversation, by) -> Conversation:
    """Close a ticket (either side); a new customer message reopens it."""
    require_office_perm(by, roles.REPLY_CONVERSATIONS)
    conversation = _locked(conversation)
    _check_author(conversation.customer_id, by)
    require_step(conversation, Conversation.Status.CLOSED, name=_name(conversation))
    conversation.status = Conversation.Status.CLOSED
    conversation.closed_at = timezone.now()
    conversation.waiting_since = None
    conversation.save(update_fields=["status", "closed_at", "waiting_since", "updated_at"])
    _record(conversation, by=by, verb="ticket closed")
    return conversation


@transaction.atomic
def reopen_ticket(*, conversation: Conversation, by) -> Conversation:
    """Reopen a closed ticket: it waits for the sales team again."""
    require_office_perm(by, roles.REPLY_CONVERSATIONS)
    conversation = _locked(conversation)
    _check_author(conversation.customer_id, by)
    if conversation.status != Conversation.Status.CLOSED:
        raise ConversationError(_("Only a closed ticket can be reopened."))
    _move(conversation, Conversation.Status.OPEN)
    conversation.closed_at = None
    conversation.waiting_since = timezone.now()
    conversation.save(update_fields=["status", "closed_at", "waiting_since", "updated_at"])
    _record(conversation, by=by, verb="ticket reopened")
    return conversation


@transaction.atomic
def assign_ticket(*, conversation: Conversation, by, assignee) -> Conversation:
    """Give a ticket to a staff member (or to nobody)."""
    require_office_perm(by, roles.REPLY_CONVERSATIONS)  # a customer gets ConversationError
    conversation = _locked(conversation)
    if not is_reachable_staff(by):
        raise ConversationError(_("Only the sales team assigns tickets."))
    if not conversation.is_ticket:
        raise ConversationError(_("An order thread follows the order's owner."))
    if assignee is not None and not is_reachable_staff(assignee):
        raise ConversationError(_("Tickets are assigned to active sales staff."))
    before = conversation.assignee
    if before == assignee:
        return conversation
    conversation.assignee = assignee
    conversation.save(update_fields=["assignee", "updated_at"])
    _record(
        conversation,
        by=by,
        verb="ticket assigned",
        details={"assignee": [str(before or ""), str(assignee or "")]},
    )
    return conversation
