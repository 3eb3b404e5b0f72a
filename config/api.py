def only_public_api(endpoints, **kwargs):
    """drf-spectacular hook: the schema documents Yiwang's /api/v1/, not Wagtail's admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
