"""onedoor triage-train-words FILE.jsonl [FILE.jsonl ...] --model-version V [--out PATH]

Train the triage engine's words reader (onedoor.triage.words_reader) on the labelled contacts in
English, and write it as JSON with its card (the training files with their SHA-256, the
settings). Needs scikit-learn (`make install ML=1`); with the sentence model installed the rules
read the contacts as they do at intake.
"""

from __future__ import annotations

from onedoor.triage import words_reader
from onedoor.triage.management.training import ReaderCommand


class Command(ReaderCommand):
    help = (
        "Train the words reader (character n-grams, words and word pairs and the rules' reading, logistic "
        "regression) on the labelled contacts in English in JSON Lines files, and write it as a JSON file "
        "with its card. The policy's learned.words_reader names the file and how much its chance of an "
        "emergency counts beside the learned model's."
    )
    reader = words_reader
    contacts = "contacts in English"
    example = "words-2026.12.14"
    thresholds = (0.2, 0.3, 0.4, 0.5)
