from django.contrib import admin, messages
from django.db.models.functions import Length
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .errors import OutboxError
from .models import OutboundAttachment, OutboundEmail
from .services import requeue_email


class OutboundAttachmentInline(admin.TabularInline):
    model = OutboundAttachment
    fields = ["filename", "mimetype", "size"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content").annotate(size_bytes=Length("content"))

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("size"))
    def size(self, attachment: OutboundAttachment) -> str:
        return filesizeformat(attachment.size_bytes)


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "status", "event", "to_email", "subject", "attempts", "sent_at"]
    list_filter = ["status", "event"]
    search_fields = ["to_email", "to_name", "subject"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    inlines = [OutboundAttachmentInline]
    actions = ["resend_failed"]
    fieldsets = [
        (None, {"fields": ["event", "status", "subject"]}),
        (_("Headers"), {"fields": ["from_email", "to_email", "to_name", "reply_to", "language"]}),
        (
            _("Delivery"),
            {
                "fields": [
                    "attempts",
                    "last_error",
                    "created_at",
                    "enqueued_at",
                    "last_attempt_at",
                    "sent_at",
                    "failed_at",
                ]
            },
        ),
        (_("Content"), {"fields": ["body_text", "body_html"], "classes": ["collapse"]}),
    ]
    readonly_fields = [field for _name, opts in fieldsets for field in opts["fields"]]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        # The change list never shows the bodies; the change form needs them.
        if request.resolver_match and request.resolver_match.url_name.endswith("changelist"):
            queryset = queryset.defer("body_text", "body_html")
        return queryset

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Resend selected failed emails"), permissions=["change"])
    def resend_failed(self, request, queryset) -> None:
        selected = list(queryset.only("pk", "status"))
        queued, skipped = 0, 0
        for email in selected:
            if email.status != OutboundEmail.Status.FAILED:
                skipped += 1
                continue
            try:
                requeue_email(email=email)
            except OutboxError:
                skipped += 1  # it changed status since the page was loaded
            else:
                queued += 1
        if queued:
            self.message_user(
                request,
                ngettext("%d email queued again.", "%d emails queued again.", queued) % queued,
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%d email was not failed and was left alone.",
                    "%d emails were not failed and were left alone.",
                    skipped,
                )
                % skipped,
                messages.WARNING,
            )
