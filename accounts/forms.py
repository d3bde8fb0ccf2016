"""Forms for accounts: sign-up with an email address, and the admin's forms for the same model."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, BaseUserCreationForm, UserChangeForm

from accounts.models import User, UserManager


class SignUpForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email"})}

    def clean_email(self) -> str:
        email = UserManager.normalize_email(self.cleaned_data.get("email"))
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email address already exists. Sign in, or reset its password.")
        return email


class AdminSignUpForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class AdminUserForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
