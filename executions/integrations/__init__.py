"""Calls to real systems: connections (named, with encrypted secrets) and the HTTP and XML-RPC task resources.

`config` describes a resolved connection in plain Python; `transport` sends one HTTP request through it
(authentication, TLS, client certificate, proxy, timeout) and records the call without its secrets; `http`
and `xmlrpc` shape their task's parameters into requests and responses into results or States errors.
"""
