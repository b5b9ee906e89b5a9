from django.contrib import admin
from django.urls import include, path

from lumytic.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("office/", include("lumytic.core.urls")),
    path("office/", include("customers.urls")),
    path("office/", include("sales.urls")),
    path("office/", include("conversations.urls")),
    path("office/", include("notifications.urls")),
    path("office/", include("portal.urls_office")),
    path("portal/", include("portal.urls")),
]
