"""The order thread's page logic and the writing of a posted message, shared by the back-office
and the portal views (each side sets who may open the order, its templates and URLs); it imports
no view of either side."""

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from lumytic.core.workflow import StepRefused

from .forms import MessageForm, error_text, reply_target
from .models import Conversation, Message
from .selectors import thread_messages
from .services import write_on_order


def write_message(form: MessageForm, write, **where) -> Message | None:
    """Write the valid form's message with `write` (a service: post_message, add_note,
    write_on_order) at `where`; a refused step becomes the form's error and gives None."""
    try:
        return write(
            body=form.cleaned_data["body"],
            files=form.cleaned_data["files"],
            reply_to=form.cleaned_data["reply_to"],
            **where,
        )
    except StepRefused as error:
        form.add_error(None, str(error))
        return None


class OrderThreadMixin:
    """The thread on an order page: loaded there by htmx, or a page of its own without it.

    A subclass resolves `self.order` (or 404) and sets the template, the thread's and the order
    page's URL names, its side and the message shown once a message is sent.
    """

    thread_url_name = ""
    order_url_name = ""
    side = ""
    sent_text = ""

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return [f"{self.template_name}#thread"]
        return [self.template_name]

    def thread(self) -> Conversation | None:
        return Conversation.objects.filter(kind=Conversation.Kind.ORDER, order=self.order).first()

    def replies_to(self, thread) -> QuerySet:
        if thread is None:
            return Message.objects.none()
        return thread.messages.filter(kind=Message.Kind.MESSAGE)

    def thread_context(self) -> dict:
        """What one side adds to the thread's context."""
        return {}

    def get(self, request, *args, **kwargs):
        return self.render_thread(self.thread())

    def render_thread(self, thread, status: int = 200, form=None, sent=None) -> HttpResponse:
        replies_to = self.replies_to(thread)
        reply_to = reply_target(self.request, replies_to)
        context = self.get_context_data(
            order=self.order,
            conversation=thread,
            thread=thread_messages(thread, notes=False),
            form=form
            or MessageForm(
                replies_to=replies_to, initial={"reply_to": reply_to}, auto_id="thread_%s"
            ),
            replying_to=reply_to,
            sent=sent,
            thread_url=reverse(self.thread_url_name, args=[self.order.pk]),
            side=self.side,
            **self.thread_context(),
        )
        return self.render_to_response(context, status=status)

    def post(self, request, *args, **kwargs):
        thread = self.thread()
        form = MessageForm(
            request.POST, request.FILES, replies_to=self.replies_to(thread), auto_id="thread_%s"
        )
        if form.is_valid():
            message = write_message(form, write_on_order, order=self.order, by=request.user)
            if message is not None:
                if request.htmx:  # the fragment says so itself; a flash would show up later
                    return self.render_thread(self.thread(), sent=message)
                messages.success(request, self.sent_text)
                return redirect(
                    reverse(self.order_url_name, args=[self.order.pk]) + "#conversation"
                )
        if not request.htmx:
            messages.error(
                request, _("Nothing was sent: %(errors)s") % {"errors": error_text(form)}
            )
        return self.render_thread(thread, status=400, form=form)
