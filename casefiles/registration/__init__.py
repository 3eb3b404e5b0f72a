"""注册与登录: how a person comes to have an account — registration, claiming the record the
service centre made earlier, sign-in by password or SMS code — glued to django-allauth here
(``adapter``) and nowhere else. docs/accounts.md."""
