"""The lines of an order or a quotation: replaced as a whole, with their amounts and the
document's totals computed by sales.totals and stored with them."""

from lumytic.core.validation import amounts_fit

from ..totals import compute_totals


def replace_lines(document, rows: list, *, error: type[Exception], too_large: str) -> None:
    """Replace the document's lines by `rows` (unsaved lines of it) and store the totals.

    An amount the money columns can't hold (a line or the total) raises `error(too_large)`.
    """
    totals = compute_totals(rows, document.currency)
    if not amounts_fit(totals.subtotal, totals.total, *(line.gross for line in totals.lines)):
        raise error(too_large)
    for row, result in zip(rows, totals.lines, strict=True):
        row.net_amount, row.tax_amount = result.net, result.tax
    document.lines.all().delete()
    document.lines.model.objects.bulk_create(rows)
    document.subtotal = totals.subtotal
    document.discount_total = totals.discount_total
    document.tax_total = totals.tax_total
    document.total = totals.total
    document.save(update_fields=["subtotal", "discount_total", "tax_total", "total", "updated_at"])
