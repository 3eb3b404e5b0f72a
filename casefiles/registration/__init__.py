"""注册与登录: how a person comes to have an account — registration, claiming the record the
service centre made earlier, sign-in by password or SMS code, the password reset by SMS — glued
to django-allauth here and nowhere else: ``adapter`` (the directory behind allauth's flows),
``forms`` (``ACCOUNT_FORMS``), ``claims``, ``codes`` (the wrong-code lock), ``texts`` (the text
limits), ``password_reset``. docs/accounts.md."""
