"""Accounts: who may see, change, run and approve what, the keys and tokens people use from code, and the
audit log of who did what.

`permissions` is the one place that answers "may this user do this to this state machine"; every door (REST
API, AWS-compatible endpoint, pages, WebSocket stream, inbox, exports) asks it.
"""
