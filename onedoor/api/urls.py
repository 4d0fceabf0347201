from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from onedoor.api import views

app_name = "api"

urlpatterns = [
    path("contacts", views.ContactCreateView.as_view(), name="contacts"),
    path("cases/<str:reference>", views.CaseDetailView.as_view(), name="case"),
    path("schema/", SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api:schema", authentication_classes=[], permission_classes=[]),
        name="docs",
    ),
]
