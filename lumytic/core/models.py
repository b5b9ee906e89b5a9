from django.db import models
from django.utils.translation import gettext_lazy as _


class CompanyProfile(models.Model):
    """The seller: one row, shown on PDFs and emails."""

    legal_name = models.CharField(_("legal name"), max_length=200, default="Lumytic Trading LLC")
    trading_name = models.CharField(_("trading name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.TextField(_("address"), blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    cr_number = models.CharField(_("commercial registration number"), max_length=64, blank=True)
    tax_id = models.CharField(_("tax ID"), max_length=64, blank=True)
    bank_name = models.CharField(_("bank name"), max_length=200, blank=True)
    bank_account_name = models.CharField(_("account holder"), max_length=200, blank=True)
    bank_iban = models.CharField(_("IBAN / account number"), max_length=64, blank=True)
    bank_swift = models.CharField(_("SWIFT / BIC"), max_length=11, blank=True)
    bank_address = models.TextField(_("bank address"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="company/", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("company profile")
        verbose_name_plural = _("company profile")
        constraints = [
            # The profile is a singleton: its primary key is always 1.
            models.CheckConstraint(condition=models.Q(pk=1), name="core_companyprofile_singleton"),
        ]

    def __str__(self) -> str:
        return self.trading_name or self.legal_name

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "CompanyProfile":
        profile, _created = cls.objects.get_or_create(pk=1)
        return profile


class DocumentSequence(models.Model):
    """The last number handed out for one document type in one year (0 for yearless types)."""

    kind = models.CharField(max_length=16)
    year = models.PositiveIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="core_sequence_kind_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.year}: {self.last_value}"
