from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from responses.models import Response


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return redirect("admin:responses_response_changelist")


@login_required
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    response = get_object_or_404(Response.objects.for_user(request.user), pk=pk)
    return redirect("admin:responses_response_change", response.pk)
