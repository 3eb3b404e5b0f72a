from themes import active


def theme(request):
    return {"theme": getattr(request, "theme", active.current()), "themes": active.available()}
