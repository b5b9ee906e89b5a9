from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Length
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView

from .errors import OutboxError
from .filters import OutboundEmailFilter
from .models import OutboundAttachment, OutboundEmail
from .services import requeue_email, send_test_email


class StaffOnlyMixin(UserPassesTestMixin):
    """Let active sales staff with the page's permissions in; portal users and other staff get
    403, anonymous visitors the login page. (The twin of lumytic.core.access, which this app
    may not import.)"""

    permission_required: tuple[str, ...] = ("notifications.view_outbox",)

    def test_func(self) -> bool:
        user = self.request.user
        return bool(getattr(user, "is_sales_staff", False)) and user.has_perms(
            self.permission_required
        )


class OutboxListView(StaffOnlyMixin, FilterView):
    model = OutboundEmail
    filterset_class = OutboundEmailFilter
    template_name = "notifications/outboundemail_list.html"
    paginate_by = 25

    def get_queryset(self):
        # The bodies can be large and the list never shows them.
        return (
            OutboundEmail.objects.defer("body_text", "body_html")
            .annotate(
                has_attachments=Exists(OutboundAttachment.objects.filter(email=OuterRef("pk")))
            )
            .order_by("-created_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = {key: value for key, value in self.request.GET.items() if value and key != "page"}
        context.update(
            nav="outbox",
            status_tabs=self._status_tabs(query),
            has_filters=bool(query),
        )
        return context

    def _status_tabs(self, query: dict[str, str]) -> list[dict]:
        """Count the rows per status under the other filters, in one query."""
        others = {key: value for key, value in query.items() if key != "status"}
        filterset = OutboundEmailFilter(others, queryset=OutboundEmail.objects.all())
        queryset = filterset.qs if filterset.is_valid() else OutboundEmail.objects.none()
        statuses = OutboundEmail.Status
        counts = queryset.aggregate(
            all=Count("pk"),
            **{status.value: Count("pk", filter=Q(status=status)) for status in statuses},
        )
        current = query.get("status", "")
        tabs = [{"value": "", "label": _("All"), "count": counts["all"]}]
        tabs += [
            {"value": status.value, "label": status.label, "count": counts[status.value]}
            for status in statuses
        ]
        for tab in tabs:
            params = {**others, "status": tab["value"]} if tab["value"] else others
            tab["url"] = "?" + urlencode(params)
            tab["active"] = tab["value"] == current
        return tabs


class OutboxDetailView(StaffOnlyMixin, DetailView):
    model = OutboundEmail
    template_name = "notifications/outboundemail_detail.html"

    def get_queryset(self):
        attachments = OutboundAttachment.objects.defer("content").annotate(size=Length("content"))
        return OutboundEmail.objects.prefetch_related(
            Prefetch("attachments", queryset=attachments), "delivery_attempts"
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(nav="outbox", **kwargs)


class OutboxResendView(StaffOnlyMixin, View):
    """Queue a failed email again."""

    permission_required = ("notifications.view_outbox", "notifications.resend_email")

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        email = get_object_or_404(OutboundEmail, pk=pk)
        try:
            requeue_email(email=email)
        except OutboxError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("The email to %(to)s is queued again.") % {"to": email.to_email}
            )
        return redirect(email)


class OutboxTestView(StaffOnlyMixin, View):
    """Send the SMTP test email to the signed-in staff member."""

    permission_required = ("notifications.view_outbox", "notifications.resend_email")

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            email = send_test_email(to=request.user.email, by=request.user)
        except OutboxError as error:
            messages.error(request, str(error))
            return redirect("notifications:outbox-list")
        messages.success(
            request,
            _("A test email to %(to)s is queued; its status is shown below.")
            % {"to": email.to_email},
        )
        return redirect(email)


class OutboxAttachmentView(StaffOnlyMixin, View):
    """Download a file sent with an outbound email."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
        attachment = get_object_or_404(OutboundAttachment, pk=attachment_pk, email_id=pk)
        response = HttpResponse(bytes(attachment.content), content_type=attachment.mimetype)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=attachment.filename
        )
        return response
