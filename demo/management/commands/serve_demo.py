"""``manage.py serve_demo [--port 8000] [--host 127.0.0.1]``: print where to go and who to be, then serve.

``make run`` calls ``seed_demo`` first; this command only prints the banner (URLs and demo logins)
and runs Django's development server without the autoreloader.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from demo import content as demo_content

PAGES = (
    ("Public site", "/articles/"),
    ("Editorial app", "/editorial/"),
    ("Django admin", "/admin/"),
    ("API docs", "/api/v1/docs/"),
    ("API root", "/api/v1/"),
)


def base_url(host: str, port: int) -> str:
    """The address a browser should open; a wildcard bind address is reached via localhost."""
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def banner(*, host: str, port: int, password: str = demo_content.DEFAULT_PASSWORD) -> str:
    """The text printed before serving: the site's URLs and the demo logins with their roles."""
    root = base_url(host, port)
    width = max(len(label) for label, _path in PAGES)
    lines = ["Editorial review demo", ""]
    lines += [f"  {label:<{width}}  {root}{path}" for label, path in PAGES]
    lines += ["", f"Demo logins (password: {password}, unless reset with seed_demo --password):"]
    name_width = max(len(user.username) for user in demo_content.USERS)
    lines += [f"  {user.username:<{name_width}}  {user.role_label}" for user in demo_content.USERS]
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Print the demo URLs and logins, then run the development server."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, host: str, port: int, **options):
        self.stdout.write(banner(host=host, port=port))
        if not get_user_model().objects.filter(username="eve").exists():
            self.stderr.write("The demo users are missing: run `python manage.py seed_demo` first.")
        addrport = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        call_command("runserver", addrport, use_reloader=False)
