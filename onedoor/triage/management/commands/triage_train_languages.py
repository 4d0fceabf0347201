"""onedoor triage-train-languages FILE.jsonl [FILE.jsonl ...] --model-version V [--out PATH]

Train the triage engine's reader of contacts not in English (onedoor.triage.other_languages) on
the labelled contacts the engine flags for an interpreter, and write it as JSON with its card
(the training files with their SHA-256, the settings). Needs scikit-learn (`make install ML=1`).
"""

from __future__ import annotations

from onedoor.triage import other_languages
from onedoor.triage.management.training import ReaderCommand


class Command(ReaderCommand):
    help = (
        "Train the reader of contacts not in English (character n-grams, logistic regression) on the "
        "labelled contacts in JSON Lines files that the engine flags for an interpreter, and write it as "
        "a JSON file with its card. The policy's language.emergency_reader names the file and the "
        "threshold at which it grades such a contact immediate."
    )
    reader = other_languages
    contacts = "contacts not in English"
    example = "languages-2026.12.13"
