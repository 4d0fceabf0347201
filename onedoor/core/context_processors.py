from django.conf import settings


def service(request):
    return {"PUBLIC_BASE_URL": settings.PUBLIC_BASE_URL, "EXIT_THIS_PAGE_URL": settings.EXIT_THIS_PAGE_URL}
