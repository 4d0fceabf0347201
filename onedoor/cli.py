"""The `onedoor` command: the project's manage.py with the settings preset."""

import os
import sys

HYPHENATED = {"triage-eval": "triage_eval", "triage-train": "triage_train", "triage-model": "triage_model", "triage-export": "triage_export", "triage-cv": "triage_cv",
              "triage-train-languages": "triage_train_languages", "triage-train-words": "triage_train_words"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "onedoor"
    # Django command modules cannot contain a hyphen: `onedoor triage-eval` runs triage_eval.
    if len(argv) > 1 and argv[1] in HYPHENATED:
        argv[1] = HYPHENATED[argv[1]]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
