"""POST a record to the provincial 好差评 system (the outbox's sender).

The API key is read from the OS keyring on every send (never config, never logs).
Logs carry keys and HTTP statuses only, never a payload (personal data).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from counter_app.config import DeliverySettings
from counter_app.secrets import get_secret
from counter_app.services.hcp_export import Profile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendResult:
    status: int | None  # HTTP status, None when no answer came
    error: str = ""  # Chinese, for the supervisor; never the payload


class Sender(Protocol):
    def send(self, key: str, payload: dict[str, Any]) -> SendResult: ...


class HttpSender:
    """POST the profile's JSON record to `url` (a rating; with `case_records` a case
    record: the profile's [case_fields])."""

    def __init__(
        self,
        url: str,
        profile: Profile,
        *,
        api_key: Callable[[], str | None] | None = None,
        case_records: bool = False,
    ) -> None:
        self.url = url
        self.profile = profile
        self._record = profile.case_record if case_records else profile.record
        self._api_key = api_key or (lambda: get_secret(profile.api_key_secret))
        self._warned_no_key = False

    def send(self, key: str, payload: dict[str, Any]) -> SendResult:
        body = json.dumps(self._record(payload), ensure_ascii=False).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "Idempotency-Key": key,
            "User-Agent": "kuaiban-counter",
        }
        secret = self._api_key()
        if secret:
            headers[self.profile.api_key_header] = secret
        elif not self._warned_no_key:
            self._warned_no_key = True
            log.warning("no API key in the keyring under %r", self.profile.api_key_secret)
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.profile.timeout_seconds) as resp:
                resp.read()
                return SendResult(resp.status)
        except urllib.error.HTTPError as exc:
            detail = _short(exc.read())
            exc.close()
            return SendResult(exc.code, f"HTTP {exc.code} {exc.reason}{detail}")
        except TimeoutError:
            return SendResult(None, "接口超时")
        except urllib.error.URLError as exc:
            return SendResult(None, f"无法连接接口: {exc.reason}")
        except OSError as exc:
            return SendResult(None, f"网络错误: {exc}")


def _short(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    return f": {text[:200]}" if text else ""


def sender_from_settings(settings: DeliverySettings, profile: Profile,
                         target: str = "hcp") -> HttpSender | None:
    """The HTTP sender of the configured target ("hcp": ratings to hcp_url, "case":
    case records to case_report_url), None when no URL is set."""
    if target == "case":
        return HttpSender(settings.case_url, profile, case_records=True) \
            if settings.case_url else None
    return HttpSender(settings.url, profile) if settings.url else None
