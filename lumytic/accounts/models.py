from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True, role=User.Role.STAFF)
        return self._create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def staff(self):
        """Active back-office users (advisors, owners, reviewers)."""
        return self.filter(role=User.Role.STAFF, is_active=True)

    def sales_team(self):
        """Active staff with an address who asked for the sales notifications."""
        return self.staff().exclude(email="").filter(sales_notifications=True)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: sales staff (back-office) or a customer's portal user."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Staff")
        PORTAL = "portal", _("Portal user")

    email = models.EmailField(_("email address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role, default=Role.PORTAL)
    sales_notifications = models.BooleanField(
        _("sales notifications"),
        default=False,
        help_text=_("Receives the daily exchange-rate digest and registration requests."),
    )
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin site access"),
        default=False,
        help_text=_("May sign in to the Django admin. Only staff users can have it."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            # A customer's login can never reach the admin.
            models.CheckConstraint(
                condition=models.Q(is_staff=False) | models.Q(role="staff"),
                name="accounts_user_admin_is_staff_role",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs) -> None:
        # Emails are stored lower-case so the unique index is case-insensitive in effect.
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def is_sales_staff(self) -> bool:
        return self.is_active and self.role == self.Role.STAFF

    @property
    def is_portal_user(self) -> bool:
        return self.is_active and self.role == self.Role.PORTAL

    # The notifications app addresses people through this small protocol.
    @property
    def notification_name(self) -> str:
        return self.get_full_name()

    @property
    def notification_side(self) -> str:
        return "office" if self.role == self.Role.STAFF else "portal"
