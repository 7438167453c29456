"""The live stream of one execution: /ws/executions/<id>/?after=<event id>.

A client gets the stored history events after `after` (the id of the last event it has, 0 for all), then each
new event and each status change as it happens, as JSON messages:
    {"type": "event", "event": {...}}  the event as the REST history shows it (ExecutionEventSerializer)
    {"type": "status", "status", "output", "error", "cause", "stop_date"}  on connect and on every change
Events arrive in id order and never twice on one connection; a client that reconnects passes the last id it saw.

Who may listen: the socket is accepted first and then closed with 4401 for an anonymous caller and 4403 for an
execution that does not exist or that the user may not view (the same code, so it tells nothing). Closing after
accepting lets a browser see the code (a refused handshake reaches it as 1006). Every RECHECK_SECONDS the user is
read again from the database, with the session the socket opened with: a logout (the session deleted), a password
change (its auth hash no longer matches) or a deactivated account closes it with 4401, a revoked grant or a lost
superuser flag with 4403 (the user object loaded at connect would never see any of them).

Why poll the database rather than a channel-layer group: steps are committed by the workers, separate
`runexecutions` processes, and the default channel layer is in-memory, per process, so a group message sent by
a worker would never reach this server. The history table is the one source every process shares; tailing it
costs one indexed query per POLL_SECONDS per open socket (by execution id and event id), and the consumer stops
polling once the execution has closed and every event was sent: nothing more can happen to it then (a redrive
reopens it; the page is reloaded to follow that).
"""
from __future__ import annotations

import asyncio
import time
from importlib import import_module
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.utils.crypto import constant_time_compare

from designer.accounts import permissions
from executions.models import Execution, ExecutionEvent
from executions.serializers import ExecutionEventSerializer

POLL_SECONDS = 0.4
RECHECK_SECONDS = 5.0
BATCH = 500  # events read per query; a long history is sent in batches without waiting between them
CLOSE_ANONYMOUS = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_BAD_REQUEST = 4400


class ExecutionConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.execution_id = self.scope["url_route"]["kwargs"]["execution_id"]
        self.tail = None
        await self.accept()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return await self.close(code=CLOSE_ANONYMOUS)
        if not await self._may_view(user):
            return await self.close(code=CLOSE_FORBIDDEN)
        raw = parse_qs(self.scope.get("query_string", b"").decode()).get("after", ["0"])[-1]
        if not raw.isdigit():
            return await self.close(code=CLOSE_BAD_REQUEST)
        self.after = int(raw)
        self.tail = asyncio.create_task(self._follow())

    async def disconnect(self, code):
        if self.tail is not None:
            self.tail.cancel()

    async def _follow(self) -> None:
        shown = None
        checked = time.monotonic()
        while True:
            execution, events = await self._read()
            if execution is None:  # deleted meanwhile (retention)
                return await self.close(code=CLOSE_FORBIDDEN)
            for event in events:
                await self.send_json({"type": "event", "event": event})
                self.after = event["id"]
            if execution != shown:
                shown = execution
                await self.send_json({"type": "status", **execution})
            if len(events) == BATCH:
                continue
            if execution["status"] != Execution.RUNNING:
                # The status was read before the events, and a step commits both together: all were sent.
                return
            if time.monotonic() - checked >= RECHECK_SECONDS:
                checked = time.monotonic()
                user = await self._signed_in_user()
                if user is None:
                    return await self.close(code=CLOSE_ANONYMOUS)
                if not await self._may_view(user):
                    return await self.close(code=CLOSE_FORBIDDEN)
            await asyncio.sleep(POLL_SECONDS)

    @database_sync_to_async
    def _may_view(self, user) -> bool:
        execution = Execution.objects.select_related("state_machine").filter(pk=self.execution_id).first()
        return execution is not None and permissions.has_permission(user, permissions.VIEW, execution.state_machine)

    @database_sync_to_async
    def _signed_in_user(self):
        """The socket's user as stored now, or None once the session it opened with is gone or no longer this
        user's, its auth hash (from the password) no longer matches, or the user is inactive: what Django checks
        on each request, which a socket open for hours would otherwise skip."""
        session = import_module(settings.SESSION_ENGINE).SessionStore(self.scope["session"].session_key)
        user_id = session.get(SESSION_KEY)  # a deleted or expired session loads empty
        user = get_user_model()._default_manager.filter(pk=self.scope["user"].pk, is_active=True).first()
        if user is None or str(user_id) != str(user.pk):
            return None
        if not constant_time_compare(session.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()):
            return None
        return user

    @database_sync_to_async
    def _read(self) -> tuple[dict | None, list[dict]]:
        execution = Execution.objects.filter(pk=self.execution_id).values(
            "status", "output", "error", "cause", "stop_date").first()
        if execution is None:
            return None, []
        if execution["stop_date"] is not None:
            execution["stop_date"] = execution["stop_date"].isoformat()
        events = ExecutionEvent.objects.filter(execution_id=self.execution_id, event_id__gt=self.after).order_by(
            "event_id")[:BATCH]
        return execution, [ExecutionEventSerializer(event).data for event in events]
