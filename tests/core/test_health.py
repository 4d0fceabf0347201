def test_healthz_says_the_process_is_alive(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_the_database_and_migrations(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["migrations"] == "applied"
