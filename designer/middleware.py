"""WhiteNoise for an async middleware chain.

WhiteNoise's middleware is sync-only. Under ASGI (Daphne), one sync-only middleware makes Django run every
request's chain in its single thread for sync code, one request at a time, so a long poll (GetActivityTask
waits up to 60 s) would hold up the whole server. This subclass is also async: static files are still
served by WhiteNoise (in a worker thread), and every other request goes on without being pinned.
"""
from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    sync_capable = True
    async_capable = True

    def __init__(self, get_response, *args, **kwargs):
        super().__init__(get_response, *args, **kwargs)
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self._acall(request)
        return super().__call__(request)

    async def _acall(self, request):
        static_file = self.find_file(request.path_info) if self.autorefresh else self.files.get(request.path_info)
        if static_file is not None:
            return await sync_to_async(self.serve, thread_sensitive=False)(static_file, request)
        return await self.get_response(request)
