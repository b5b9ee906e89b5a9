"""Small pieces shared by the list pages of the office and the portal."""

import unicodedata

from django.core.paginator import Paginator

MAX_SEARCH = 100


def search_text(request, name: str = "q", max_length: int = MAX_SEARCH, data=None) -> str:
    """What was typed in a list's search box (in `data`, else the query string): control
    characters removed (a NUL byte made PostgreSQL refuse the query, a 500), spaces trimmed,
    cut to `max_length`."""
    value = (request.GET if data is None else data).get(name, "")
    kept = "".join(ch for ch in value if unicodedata.category(ch) != "Cc")
    return kept.strip()[:max_length]


def chosen(request, name: str, values) -> str:
    """The `?name=` filter when it is one of `values`, else the empty string (no filter)."""
    value = request.GET.get(name, "")
    return value if value in values else ""


def page_context(request, rows, per_page: int) -> dict:
    """One page of `rows` under the names a ListView gives it; a page number out of range or not
    a number shows the nearest page instead of a 404."""
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "paginator": page.paginator,
        "is_paginated": page.has_other_pages(),
        "object_list": page.object_list,
    }


def status_page(request, rows, statuses, per_page: int) -> dict:
    """`page_context` of `rows` narrowed to the `?status=` chosen among `statuses` ((value, label)
    pairs), with what the status select shows: `status` and `statuses`."""
    status = chosen(request, "status", dict(statuses))
    if status:
        rows = rows.filter(status=status)
    return {**page_context(request, rows, per_page), "status": status, "statuses": statuses}


class LenientPagesMixin:
    """A page number out of range or not a number shows the nearest page instead of a 404."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()


class SortableListMixin:
    """`?sort=key` or `?sort=-key` over the keys of `sorts` (key -> order_by fields)."""

    sorts: dict[str, tuple[str, ...]] = {}
    default_sort = ""  # e.g. "-created"

    def sorted(self, queryset):
        raw = self.request.GET.get("sort", self.default_sort)
        key, descending = raw.lstrip("-"), raw.startswith("-")
        if key not in self.sorts:
            key, descending = self.default_sort.lstrip("-"), self.default_sort.startswith("-")
        self.sort_key, self.descending = key, descending
        fields = self.sorts[key]
        return queryset.order_by(*(f"-{f}" if descending else f for f in fields))

    def sort_context(self) -> dict:
        """The sort state and the query string the column links build on."""
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("sort", None)
        return {
            "sort_key": self.sort_key,
            "descending": self.descending,
            "base_query": query.urlencode(),
        }
