from themes import active


class ThemeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.theme = active.choose(request)
        token = active.activate(request.theme)
        try:
            return self.get_response(request)
        finally:
            active.deactivate(token)
