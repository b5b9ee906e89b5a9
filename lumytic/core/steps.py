"""The middle of a POST step view (STYLE.md): call one service, then say how it went."""

from django.contrib import messages

from .workflow import StepRefused


def run_step(request, step, done, *, refused=StepRefused, **kwargs) -> bool:
    """Call `step(by=request.user, **kwargs)`; a refusal's text becomes an error message, else
    `done` a success message (`done(result)` when it needs what the step returned).

    `refused` is the exception (or tuple) whose text is shown; return whether the step ran."""
    try:
        result = step(by=request.user, **kwargs)
    except refused as error:
        messages.error(request, str(error))
        return False
    messages.success(request, done(result) if callable(done) else done)
    return True
