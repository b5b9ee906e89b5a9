"""Admin for conversations: shown and searched, never edited here, since only the services
change a status, write a message or email the other side."""

from django.contrib import admin

from lumytic.core.admin import ReadOnlyAdmin

from .models import Attachment, Conversation, Message


class MessageInline(ReadOnlyAdmin, admin.TabularInline):
    model = Message
    fk_name = "conversation"
    extra = 0
    fields = readonly_fields = ["created_at", "kind", "author", "from_customer", "body", "reply_to"]
    show_change_link = True


class AttachmentInline(ReadOnlyAdmin, admin.TabularInline):
    model = Attachment
    extra = 0
    fields = readonly_fields = ["original_name", "size", "sha256", "created_at"]


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "kind",
        "customer",
        "status",
        "assignee",
        "last_message_at",
        "waiting_since",
    ]
    list_filter = ["kind", "status", ("assignee", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["number", "subject", "customer__name", "customer__number", "order__number"]
    list_select_related = ["customer", "assignee", "order"]
    date_hierarchy = "created_at"
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["__str__", "conversation", "kind", "author", "from_customer", "created_at"]
    list_filter = ["kind", "from_customer"]
    search_fields = ["body", "conversation__number", "conversation__subject", "author__email"]
    list_select_related = ["conversation__order", "author"]
    date_hierarchy = "created_at"
    inlines = [AttachmentInline]
