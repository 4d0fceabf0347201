"""REST API v1. Views validate with their own small serializers and call one service."""

import hashlib
import json

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from onedoor.accounts.permissions import Capability, user_can
from onedoor.cases.selectors import JustificationRequired, access_case_by_reference
from onedoor.intake.models import IdempotencyRecord
from onedoor.intake.services import CHANNELS, InboundMessage, Reporter, intake_receive, tracking_url
from onedoor.people.phones import phone_to_e164
from onedoor.triage.context import public_rationale

HAPPENED = ("now", "within_hour", "today", "earlier")


class HasApiKey(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return getattr(request.user, "api_key", None) is not None


class ApiKeyRateThrottle(SimpleRateThrottle):
    scope = "api_key"

    def get_rate(self) -> str:
        return settings.API_KEY_RATE

    def get_cache_key(self, request, view):
        api_key = getattr(request.user, "api_key", None)
        return self.cache_format % {"scope": self.scope, "ident": api_key.pk if api_key else self.get_ident(request)}


class LocationSerializer(serializers.Serializer):
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180)
    address = serializers.CharField(required=False, max_length=300, allow_blank=True)

    def validate(self, data):
        if ("lat" in data) != ("lon" in data):
            raise serializers.ValidationError("Give both lat and lon, or neither.")
        if not data:
            raise serializers.ValidationError("Give lat and lon, an address, or both.")
        return data


class ReporterSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, max_length=200, allow_blank=True)
    email = serializers.EmailField(required=False, max_length=254, allow_blank=True)
    phone = serializers.CharField(required=False, max_length=30, allow_blank=True)
    preferred_language = serializers.CharField(required=False, max_length=16, allow_blank=True)

    def validate_phone(self, value: str) -> str:
        if not value:
            return ""
        e164 = phone_to_e164(value)
        if not e164:
            raise serializers.ValidationError("Enter a valid phone number, for example +447700900123.")
        return e164


class AnswersSerializer(serializers.Serializer):
    in_danger_now = serializers.BooleanField(required=False)
    offender_present = serializers.BooleanField(required=False)
    injured = serializers.BooleanField(required=False)
    weapons = serializers.BooleanField(required=False)
    happened = serializers.ChoiceField(choices=HAPPENED, required=False)

    def to_internal_value(self, data):
        # A misspelt answer (e.g. "in_danger") must not be dropped silently: it may be the one that matters.
        unknown = sorted(str(key) for key in set(data) - set(self.fields)) if isinstance(data, dict) else []
        if unknown:
            raise serializers.ValidationError(
                {"non_field_errors": [f"Unknown answer(s): {', '.join(unknown)}. Use {', '.join(self.fields)}."]}
            )
        return super().to_internal_value(data)


class AssessmentOutSerializer(serializers.Serializer):
    grade = serializers.CharField()
    response = serializers.CharField()
    vulnerabilities = serializers.ListField(child=serializers.CharField())
    call_999_advice = serializers.BooleanField()
    rationale = serializers.CharField()


class ContactCreateView(APIView):
    permission_classes = [HasApiKey]
    throttle_classes = [ApiKeyRateThrottle]

    class ContactInputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=20000, trim_whitespace=True)
        channel = serializers.ChoiceField(choices=CHANNELS, default="api")
        answers = AnswersSerializer(required=False)
        location = LocationSerializer(required=False)
        reporter = ReporterSerializer(required=False)
        anonymous = serializers.BooleanField(default=False)

        def validate(self, data):
            reporter = data.get("reporter") or {}
            if data["anonymous"] and any(reporter.get(k) for k in ("name", "email", "phone")):
                raise serializers.ValidationError({"anonymous": "An anonymous contact cannot include reporter details."})
            return data

    class ContactCreatedSerializer(serializers.Serializer):
        reference = serializers.CharField()
        tracking_url = serializers.URLField()
        secret_code = serializers.CharField(required=False, help_text="Anonymous contacts only: with the reference, lets the reporter track it.")
        assessment = AssessmentOutSerializer()
        expected_contact_by = serializers.DateTimeField()

    @extend_schema(
        request=ContactInputSerializer,
        responses={201: ContactCreatedSerializer, 400: OpenApiTypes.OBJECT, 422: OpenApiTypes.OBJECT},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
                                     description="A retry with the same key and body returns the first response and creates nothing.")],
        summary="Submit a contact",
    )
    def post(self, request):
        idempotency_key = request.headers.get("Idempotency-Key", "").strip()
        if len(idempotency_key) > 200:
            return Response({"Idempotency-Key": ["Use a key of at most 200 characters."]}, status=status.HTTP_400_BAD_REQUEST)
        body_hash = hashlib.sha256(json.dumps(request.data, sort_keys=True, default=str).encode()).hexdigest()
        api_key = request.user.api_key
        if idempotency_key:
            replay = self._replay(api_key, idempotency_key, body_hash)
            if replay is not None:
                return replay
        serializer = self.ContactInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            with transaction.atomic():
                body = self._receive(request, data)
                if idempotency_key:
                    IdempotencyRecord.objects.create(
                        api_key=api_key, key=idempotency_key, request_hash=body_hash, response_status=201, response_body=body
                    )
        except IntegrityError:
            # A concurrent retry with the same key committed first: answer as it did.
            replay = self._replay(api_key, idempotency_key, body_hash) if idempotency_key else None
            if replay is None:
                raise
            return replay
        return Response(body, status=status.HTTP_201_CREATED)

    @staticmethod
    def _replay(api_key, key: str, body_hash: str) -> Response | None:
        record = IdempotencyRecord.objects.filter(api_key=api_key, key=key).first()
        if record is None:
            return None
        if record.request_hash != body_hash:
            return Response(
                {"detail": "This Idempotency-Key was already used with a different request body."},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        return Response(record.response_body, status=record.response_status, headers={"Idempotent-Replayed": "true"})

    def _receive(self, request, data) -> dict:
        location = data.get("location") or {}
        reporter = data.get("reporter") or {}
        message = InboundMessage(
            channel=data["channel"],
            text=data["text"],
            answers=dict(data.get("answers") or {}),
            location_text=location.get("address", ""),
            latitude=location.get("lat"),
            longitude=location.get("lon"),
            anonymous=data["anonymous"],
            reporter=None if data["anonymous"] else Reporter(**reporter),
            raw_payload=request.data if isinstance(request.data, dict) else {},
        )
        result = intake_receive(message=message, actor_label=request.user.label, request=request)
        # What their words alone give: a client must not learn what our records hold (other
        # contacts, open cases, a marker on the email or phone it sent) from the answer.
        public = result.public(message)
        body = {
            "reference": result.case.display_reference,
            "tracking_url": tracking_url(result.tracking_token),
            "assessment": {
                "grade": public.grade,
                "response": public.response,
                "vulnerabilities": public.vulnerabilities,
                "call_999_advice": public.call_999_advice,
                "rationale": public_rationale(public.rationale),
            },
            "expected_contact_by": public.expected_contact_by.isoformat(),
        }
        if result.secret_code:
            body["secret_code"] = result.secret_code
        return body


def _header_text(request, name: str) -> str:
    """HTTP headers arrive as Latin-1; clients send UTF-8."""
    raw = request.headers.get(name, "")
    try:
        return raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return raw


class CaseEventSchema(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    text = serializers.CharField()
    public = serializers.BooleanField()
    author = serializers.CharField(source="author.display_name", default=None, allow_null=True)


class CaseDetailView(APIView):
    permission_classes = [HasApiKey]
    throttle_classes = [ApiKeyRateThrottle]

    class CaseSerializer(serializers.Serializer):
        reference = serializers.CharField(source="display_reference")
        status = serializers.CharField()
        kind = serializers.CharField()
        grade = serializers.CharField()
        response = serializers.CharField()
        vulnerabilities = serializers.ListField(child=serializers.CharField())
        summary = serializers.CharField()
        channel = serializers.CharField()
        created_at = serializers.DateTimeField()
        due_at = serializers.DateTimeField()
        area = serializers.CharField(source="area.name", default=None, allow_null=True)
        timeline = serializers.SerializerMethodField()

        @extend_schema_field(CaseEventSchema(many=True))
        def get_timeline(self, case):
            return CaseEventSchema(case.events.all(), many=True).data

    @extend_schema(
        responses={200: CaseSerializer, 403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
        parameters=[OpenApiParameter("X-Access-Reason", str, OpenApiParameter.HEADER, required=False,
                                     description="Why you need this case, when it is not allocated to you or your team; it is recorded.")],
        summary="Read a case and its timeline",
    )
    def get(self, request, reference: str):
        staff_user = request.user.staff_user
        if staff_user is None or not user_can(staff_user, Capability.USE_API):
            raise PermissionDenied("This API key is not bound to a staff user who may read cases.")
        try:
            case = access_case_by_reference(
                user=staff_user, reference=reference, request=request,
                justification=_header_text(request, "X-Access-Reason")[:500], action="case.view.api",
            )
        except JustificationRequired:
            raise PermissionDenied(
                "This case is not allocated to you or your team. Send the reason in the X-Access-Reason header."
            ) from None
        except DjangoPermissionDenied:
            raise PermissionDenied("Your role may not read cases.") from None
        except Http404:
            raise NotFound("No case has that reference.") from None
        return Response(self.CaseSerializer(case).data)
