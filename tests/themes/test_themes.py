def test_visitor_toggle_switches_to_the_elder_theme_and_back(client, db):
    assert 'data-theme="default"' in client.get("/").content.decode()
    response = client.post("/theme/", {"theme": "elder", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/").content.decode()
    assert 'data-theme="elder"' in page
    assert "themes/elder/site.css" in page
    client.post("/theme/", {"theme": "default", "next": "/"})
    assert 'data-theme="default"' in client.get("/").content.decode()


def test_an_unknown_theme_or_foreign_redirect_is_ignored(client, db):
    response = client.post("/theme/", {"theme": "../../etc", "next": "https://evil.example.com/"})
    assert response["Location"] == "/"
    assert 'data-theme="default"' in client.get("/").content.decode()


def test_the_site_setting_chooses_the_theme(client, db):
    from wagtail.models import Site

    from themes.models import ThemeSettings

    site = Site.objects.get(is_default_site=True)
    ThemeSettings.objects.update_or_create(site=site, defaults={"theme": "elder"})
    assert 'data-theme="elder"' in client.get("/").content.decode()


def test_the_cached_loader_keeps_themes_apart(client, db):
    from django.template.loader import get_template

    from themes import active

    token = active.activate("elder")
    try:
        elder = get_template("base.html")
    finally:
        active.deactivate(token)
    default = get_template("base.html")
    assert elder is not default or elder.origin.name == default.origin.name


def test_the_site_has_an_icon_in_both_themes_and_at_favicon_ico(client, db):
    from django.contrib.staticfiles import finders

    for theme in ("default", "elder"):
        client.post("/theme/", {"theme": theme, "next": "/"})
        page = client.get("/").content.decode()
        assert 'rel="icon" href="/static/themes/default/favicon.svg"' in page
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301 and answer["Location"].endswith("/themes/default/favicon.svg")
    assert "<svg" in open(finders.find("themes/default/favicon.svg")).read()
