from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from apps.accounts.models import User
from apps.core.exceptions import ApplicationError


@transaction.atomic
def user_create(*, email: str, password: str, display_name: str = "", is_staff: bool = False) -> User:
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError("An account with this email already exists.", errors={"email": ["Already taken."]})
    user = User(email=email, display_name=display_name.strip(), is_staff=is_staff)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError("This password is too weak.", errors={"password": list(exc.messages)}) from exc
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def user_token_obtain(*, email: str, password: str) -> str:
    user = authenticate(email=email.strip().lower(), password=password)
    if user is None or not user.is_active:
        raise ApplicationError("Unable to sign in with these credentials.", errors={"non_field_errors": ["Invalid email or password."]})
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


@transaction.atomic
def user_update(*, user: User, **fields: object) -> User:
    allowed = {"display_name", "target_role", "hours_per_week"}
    changed = [name for name in fields if name in allowed]
    for name in changed:
        setattr(user, name, fields[name])
    user.full_clean(exclude=["password"])
    user.save(update_fields=changed or None)
    return user
