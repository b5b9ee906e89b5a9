"""Customer portal URLs (the `portal` namespace, mounted under /portal/).

The portal app's staff pages (portal tab, invitations, registration review) are in `urls_office.py`.
"""

from django.urls import path

from . import (
    cancellation_views,
    cart_views,
    conversation_views,
    invoice_views,
    memo_views,
    order_views,
    payment_views,
    quotation_views,
    signup_views,
    statement_views,
    views,
)

app_name = "portal"


urlpatterns = [
    # Home, login, profile, contacts and invitations
    path("", views.PortalHomeView.as_view(), name="home"),
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("contacts/", views.ContactListView.as_view(), name="contact-list"),
    path("contacts/new/", views.ContactFormView.as_view(), name="contact-create"),
    path("contacts/<int:contact_pk>/edit/", views.ContactFormView.as_view(), name="contact-update"),
    path(
        "contacts/<int:contact_pk>/delete/",
        views.ContactDeleteView.as_view(),
        name="contact-delete",
    ),
    path(
        "invitations/<str:token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
    # Quotations (area "quotations")
    path("quotations/", quotation_views.QuotationListView.as_view(), name="quotations"),
    path(
        "quotations/<int:pk>/",
        quotation_views.QuotationDetailView.as_view(),
        name="quotation-detail",
    ),
    path(
        "quotations/<int:pk>/pdf/",
        quotation_views.QuotationPdfView.as_view(),
        name="quotation-pdf",
    ),
    path(
        "quotations/<int:pk>/accept/",
        quotation_views.QuotationAcceptView.as_view(),
        name="quotation-accept",
    ),
    path(
        "quotations/<int:pk>/decline/",
        quotation_views.QuotationDeclineView.as_view(),
        name="quotation-decline",
    ),
    # Orders (area "orders")
    path("orders/", order_views.OrderListView.as_view(), name="orders"),
    path("orders/new/", cart_views.OrderCreateView.as_view(), name="order-create"),
    path("orders/<int:pk>/", order_views.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<int:pk>/edit/", cart_views.OrderCartView.as_view(), name="order-edit"),
    path(
        "orders/<int:pk>/lines/add/",
        cart_views.OrderLineAddView.as_view(),
        name="order-line-add",
    ),
    path("orders/<int:pk>/lines/", cart_views.OrderLinesUpdateView.as_view(), name="order-lines"),
    path(
        "orders/<int:pk>/lines/<int:line_pk>/remove/",
        cart_views.OrderLineRemoveView.as_view(),
        name="order-line-remove",
    ),
    path("orders/<int:pk>/submit/", cart_views.OrderSubmitView.as_view(), name="order-submit"),
    path("orders/<int:pk>/confirm/", order_views.OrderConfirmView.as_view(), name="order-confirm"),
    path("orders/<int:pk>/cancel/", order_views.OrderCancelView.as_view(), name="order-cancel"),
    # Proforma invoices and signed documents (area "invoices")
    path("invoices/<int:pk>/pdf/", invoice_views.PiPdfView.as_view(), name="pi-pdf"),
    path("invoices/<int:pk>/signed/", invoice_views.SignedPiUploadView.as_view(), name="pi-upload"),
    path(
        "signed-documents/<int:pk>/file/",
        invoice_views.SignedDocumentFileView.as_view(),
        name="signed-document-file",
    ),
    # PI memos (area "invoices")
    path("memos/<int:pk>/pdf/", memo_views.MemoPdfView.as_view(), name="memo-pdf"),
    path("memos/<int:pk>/signed/", memo_views.SignedMemoUploadView.as_view(), name="memo-upload"),
    # Payments (area "invoices")
    path(
        "invoices/<int:pk>/payments/",
        payment_views.PaymentUploadView.as_view(),
        name="payment-upload",
    ),
    path("payments/<int:pk>/file/", payment_views.PaymentFileView.as_view(), name="payment-file"),
    # Messages: tickets and order threads
    path("messages/", conversation_views.ConversationListView.as_view(), name="conversations"),
    path("messages/new/", conversation_views.TicketCreateView.as_view(), name="ticket-create"),
    path(
        "messages/tickets/<int:pk>/",
        conversation_views.TicketDetailView.as_view(),
        name="ticket-detail",
    ),
    path(
        "messages/tickets/<int:pk>/reply/",
        conversation_views.TicketReplyView.as_view(),
        name="ticket-reply",
    ),
    path(
        "messages/tickets/<int:pk>/close/",
        conversation_views.TicketCloseView.as_view(),
        name="ticket-close",
    ),
    path(
        "messages/tickets/<int:pk>/reopen/",
        conversation_views.TicketReopenView.as_view(),
        name="ticket-reopen",
    ),
    path(
        "messages/attachments/<int:pk>/",
        conversation_views.AttachmentView.as_view(),
        name="message-attachment",
    ),
    path(
        "orders/<int:pk>/thread/",
        conversation_views.OrderThreadView.as_view(),
        name="order-thread",
    ),
    # Invoice list and statements (area "invoices")
    path("invoices/", statement_views.InvoiceListView.as_view(), name="invoices"),
    path("statements/", statement_views.StatementView.as_view(), name="statements"),
    # Cancellation orders (area "cancellations")
    path(
        "cancellations/",
        cancellation_views.CancellationListView.as_view(),
        name="cancellations",
    ),
    path(
        "cancellations/<int:pk>/",
        cancellation_views.CancellationDetailView.as_view(),
        name="cancellation-detail",
    ),
    path(
        "cancellations/<int:pk>/pdf/",
        cancellation_views.CancellationPdfView.as_view(),
        name="cancellation-pdf",
    ),
    path(
        "cancellations/<int:pk>/signed/",
        cancellation_views.SignedCancellationUploadView.as_view(),
        name="cancellation-upload",
    ),
    path(
        "signed-cancellations/<int:pk>/file/",
        cancellation_views.SignedCancellationFileView.as_view(),
        name="signed-cancellation-file",
    ),
    path(
        "orders/<int:pk>/cancellation/",
        cancellation_views.CancellationRequestView.as_view(),
        name="order-cancellation-request",
    ),
    # Self-signup (public)
    path("signup/", signup_views.SignupView.as_view(), name="signup"),
    path("signup/thanks/", signup_views.SignupDoneView.as_view(), name="signup-done"),
]
