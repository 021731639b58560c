import os
import secrets

from django.core.management.base import BaseCommand

from apps.accounts.models import User


class Command(BaseCommand):
    help = "Create an admin account if none exists and print its credentials (ADMIN_EMAIL / ADMIN_PASSWORD)."

    def handle(self, *args: object, **options: object) -> None:
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("An admin account already exists (reset its password with `manage.py changepassword`).")
            return
        email = os.environ.get("ADMIN_EMAIL", "admin@example.com")
        password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(email=email, password=password, display_name="Admin")
        self.stdout.write(self.style.SUCCESS(f"Admin account created\n  email:    {email}\n  password: {password}"))
