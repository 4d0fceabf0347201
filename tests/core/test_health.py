def test_healthz_says_the_process_is_alive(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_the_database_and_migrations(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["migrations"] == "applied"


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(client, settings):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from onedoor.core.middleware import ClientAddressMiddleware

    settings.TRUSTED_PROXY_COUNT = 1
    seen = {}

    def view(request):
        seen["ip"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    ClientAddressMiddleware(view)(request)
    assert seen["ip"] == "203.0.113.9"


def test_a_missing_page_gets_a_branded_404(client, db, settings):
    settings.DEBUG = False
    response = client.get("/advice/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode() and "call 999" in response.content.decode()


def test_an_expired_form_gets_a_plain_language_page_not_djangos(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/track/", {"reference": "x", "secret": "y"})
    assert response.status_code == 403
    assert "Your session has ended" in response.content.decode()
