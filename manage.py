#!/usr/bin/env python
"""Django's command-line utility; the same as the installed `onedoor` command."""

from onedoor.cli import main

if __name__ == "__main__":
    main()
