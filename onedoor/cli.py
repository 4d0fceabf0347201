"""The `onedoor` command: the project's manage.py with the settings preset."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "onedoor"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
