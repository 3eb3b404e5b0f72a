"""A real OpenID Connect provider for the single sign-on tests — the provincial unified identity
(统一身份认证) as the tests see it: django-oauth-toolkit's OIDC provider in a Django project of
its own, run in a process of its own by ``tests.idp.server.start``."""
