from django.conf import settings


def site(request):
    """Site-wide names and switches that every template may show."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "MEDICAL_DISCLAIMER": settings.MEDICAL_DISCLAIMER,
        "PROFESSIONAL_DISCLAIMER": settings.PROFESSIONAL_DISCLAIMER,
    }
