"""A status's label read through its TextChoices enum.

Django's generated `get_status_display()` builds a dict of every choice on each call, and
hashing each lazy label translates it: about 0.3 ms a row in a portal list, the largest single
cost of the orders page (bench/RESULTS.md, issue 14). The enum lookup translates one label.
A model opts in with `get_status_display = status_display` in its own class body (Django keeps
a method defined there; an inherited one would be replaced).
"""


def status_display(instance) -> str:
    try:
        return str(instance.Status(instance.status).label)
    except ValueError:  # a value that is no longer a choice shows as stored, as Django does
        return instance.status
