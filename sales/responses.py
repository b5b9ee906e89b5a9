"""HTTP responses that hand out sales documents: generated PDFs and stored signed copies.

Shared by the office views, the portal and conversations, so each document downloads the same
way on every side.
"""

from django.http import FileResponse, Http404, HttpResponse

from lumytic.core.downloads import file_attachment

from .models import Cancellation, Memo, ProformaInvoice, SignedDocument
from .pdf import render_cancellation_pdf, render_memo_pdf, render_pi_pdf


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def signed_document_response(document: SignedDocument) -> FileResponse:
    """The stored file as a download named after the document; its bytes decide the type."""
    return file_attachment(document.file, filename=document.download_name)


def pi_pdf_response(pi: ProformaInvoice) -> HttpResponse:
    response = pdf_response(render_pi_pdf(pi), f"{pi.number}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def memo_pdf_response(memo: Memo):
    response = pdf_response(render_memo_pdf(memo), f"{memo.number}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def cancellation_pdf_response(cancellation: Cancellation) -> HttpResponse:
    if not cancellation.number:
        raise Http404("A cancellation request has no PDF until it is confirmed.")
    response = pdf_response(render_cancellation_pdf(cancellation), f"{cancellation.number}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response
