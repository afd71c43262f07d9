import logging

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    from notifications.models import SweepRun

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure
        return JsonResponse({"database": f"error: {exc.__class__.__name__}"}, status=503)
    last = SweepRun.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
    return JsonResponse(
        {
            "database": database,
            "last_reminder_sweep": last.finished_at.isoformat() if last and last.finished_at else None,
        }
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason, template_name="errors/403_csrf.html")


# What a database that cannot be reached (down, restarting, refusing connections, a dropped connection) raises.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60

logger = logging.getLogger(__name__)


def service_unavailable(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    """The 503 page while the database cannot be reached: rendered without it (no session, no user, no context
    processors), kept out of every cache, with a hint to try again in a minute."""
    if exception is not None:
        logger.error("The database could not be reached while answering %s", request.path, exc_info=exception)
    page = loader.get_template("errors/503.html").render()
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "private, no-store"
    return response
