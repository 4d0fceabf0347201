"""No input makes the contacts API fail with a 5xx: arbitrary JSON gets a 201 or a 400."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onedoor.api.services import api_key_create

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
contact_like = st.fixed_dictionaries(
    {},
    optional={
        "text": json_values | st.text(max_size=300),
        "channel": json_values | st.sampled_from(["web", "sms", "phone", "api"]),
        "answers": json_values | st.dictionaries(
            st.sampled_from(["in_danger_now", "offender_present", "injured", "weapons", "happened"]), json_values),
        "location": json_values | st.fixed_dictionaries({}, optional={"lat": json_values, "lon": json_values, "address": json_values}),
        "reporter": json_values | st.fixed_dictionaries({}, optional={"name": json_values, "email": json_values, "phone": json_values}),
        "anonymous": json_values,
    },
)


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=contact_like | json_values)
def test_any_json_body_gets_201_or_400(client, body):
    _, raw = api_key_create(name="fuzz")
    response = client.post("/api/v1/contacts", data=json.dumps(body), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert response.status_code in (201, 400), (body, response.content[:300])
