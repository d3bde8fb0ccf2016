"""Sign up, sign in and out, and passwords: Django's own auth views, rate limited, in our templates."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.forms import SignUpForm
from accounts.models import UserManager
from common.ratelimit import allow

TOO_MANY = "Too many tries from here in a short time. Wait a few minutes, then try again."


def rate_limited_post(scope: str, *, per_account_field: str | None = None) -> Callable:
    """Refuse POSTs past the scope's rate (and, for sign-in, past the rate for one address being tried)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                limited = not allow(request, scope=scope)
                if per_account_field and not limited:
                    account = UserManager.normalize_email(request.POST.get(per_account_field, ""))
                    limited = bool(account) and not allow(request, scope=f"{scope}-account", key=account)
                if limited:
                    return render(request, "accounts/too_many.html", {"message": TOO_MANY}, status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return target if allowed else "/"


sign_in = rate_limited_post("sign-in", per_account_field="username")(
    auth_views.LoginView.as_view(template_name="accounts/sign_in.html", redirect_authenticated_user=True)
)
sign_out = auth_views.LogoutView.as_view()
password_change = auth_views.PasswordChangeView.as_view(
    template_name="accounts/password_change.html", success_url=reverse_lazy("accounts:password-change-done")
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")
password_reset = rate_limited_post("password-reset")(
    auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password-reset-sent"),
    )
)
password_reset_sent = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html")
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html", success_url=reverse_lazy("accounts:password-reset-complete")
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
@rate_limited_post("sign-up")
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="accounts.backends.AccountBackend")
        return redirect(_next_url(request))
    return render(request, "accounts/sign_up.html", {"form": form, "next": _next_url(request)}, status=400 if form.errors else 200)
