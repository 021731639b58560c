from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from apps.accounts.models import User
from apps.core.exceptions import ApplicationError


def email_verification_mandatory() -> bool:
    """Production demands a confirmed address before sign-in, in the browser (allauth) and the API alike."""
    return settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"


def _normalized(email: str) -> str:
    return User.objects.normalize_email(email).strip().lower()


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError("This password is too weak.", errors={"password": list(exc.messages)}) from exc


@transaction.atomic
def user_create(*, email: str, password: str, display_name: str = "", is_staff: bool = False) -> User:
    email = _normalized(email)
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError("An account with this email already exists.", errors={"email": ["Already taken."]})
    user = User(email=email, display_name=display_name.strip(), is_staff=is_staff)
    _validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@dataclass(frozen=True)
class Registration:
    email: str
    display_name: str
    user: User | None  # None where verification is mandatory and the email was taken: the answer must not tell


@transaction.atomic
def user_register(*, request: HttpRequest, email: str, password: str, display_name: str = "") -> Registration:
    """Sign-up as the browser does it (allauth): an unverified primary address and a confirmation email.

    Where verification is mandatory a taken email is not an error: its owner gets an "account already
    exists" email, and the caller the same answer a new account gets (same work, same shape).
    """
    from allauth.account.adapter import get_adapter
    from allauth.account.models import EmailAddress

    email, display_name = _normalized(email), display_name.strip()
    _validate_password(password, User(email=email, display_name=display_name))
    if email_verification_mandatory() and User.objects.filter(email__iexact=email).exists():
        make_password(password)  # the hashing a new account costs, so timing does not tell either
        get_adapter().send_account_already_exists_mail(email)
        return Registration(email=email, display_name=display_name, user=None)
    user = user_create(email=email, password=password, display_name=display_name)
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    if settings.ACCOUNT_EMAIL_VERIFICATION != "none":
        address.send_confirmation(request, signup=True)
    return Registration(email=email, display_name=display_name, user=user)


@dataclass(frozen=True)
class IssuedToken:
    key: str
    expiry: datetime | None


def user_token_obtain(*, email: str, password: str) -> IssuedToken:
    """A new API token (knox: only its digest is stored; it expires). Unconfirmed addresses are refused
    where verification is mandatory, as the browser sign-in refuses them."""
    from allauth.account.utils import has_verified_email
    from knox.models import AuthToken

    user = authenticate(email=_normalized(email), password=password)
    if user is None or not user.is_active:
        raise ApplicationError("Unable to sign in with these credentials.", errors={"non_field_errors": ["Invalid email or password."]})
    if email_verification_mandatory() and not has_verified_email(user):
        raise ApplicationError("Confirm your email address first: follow the link in the email we sent you.",
                               errors={"email": ["Not confirmed yet."]})
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()  # expired ones, swept here
    token, key = AuthToken.objects.create(user=user)
    return IssuedToken(key=key, expiry=token.expiry)


def user_token_revoke(*, token: object) -> None:
    """Sign-out: this token stops working at once."""
    token.delete()  # type: ignore[attr-defined]


def user_tokens_revoke_all(*, user: User) -> int:
    """Sign out every API client of this account; returns how many tokens were revoked."""
    deleted, _ = user.auth_token_set.all().delete()  # type: ignore[attr-defined]
    return deleted


@transaction.atomic
def user_update(*, user: User, **fields: object) -> User:
    allowed = {"display_name", "target_role", "hours_per_week"}
    changed = [name for name in fields if name in allowed]
    for name in changed:
        setattr(user, name, fields[name])
    user.full_clean(exclude=["password"])
    user.save(update_fields=changed or None)
    return user
