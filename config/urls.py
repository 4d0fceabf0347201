from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from onedoor.core import views as core_views

# The Django admin also demands a verified second factor.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/v1/", include("onedoor.api.urls")),
    path("console/", include("onedoor.console.urls")),
    path("django-admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("onedoor.portal.urls")),
]
