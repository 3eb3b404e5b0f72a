from django.core.management import call_command


def test_home_page_is_served_in_chinese_by_default(client, db):
    call_command("load_demo")
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-hans"' in page
    assert "一网通办" in page
    assert "珠海市市场监督管理局" in page
    assert 'href="#main"' in page and 'id="main"' in page


def test_english_is_available(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="en"' in page
    assert "Skip to main content" in page


def test_login_and_logout(client, db, django_user_model):
    django_user_model.objects.create_user("enterprise1", password="pw-for-tests-only", first_name="珠海格创")
    response = client.post("/accounts/login/", {"login": "enterprise1", "password": "pw-for-tests-only"})
    assert response.status_code == 302
    assert "珠海格创" in client.get("/").content.decode()
    client.post("/accounts/logout/")
    assert "珠海格创" not in client.get("/").content.decode()


def test_a_wrong_password_is_refused_with_a_message(client, db, django_user_model):
    django_user_model.objects.create_user("enterprise1", password="pw-for-tests-only")
    response = client.post("/accounts/login/", {"login": "enterprise1", "password": "nope"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_unknown_page_is_a_themed_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
