# The blind held-out sets still measured on: never trained on, their texts not read
# (tests/triage/data/README.md).
MEASURED_SETS = frozenset(f"heldout_{x}" for x in "fghijklmnopqrstuvw")

# The files the bundled policy names beside it.
POLICY_FILES = ("vulnerability_descriptions.yaml", "learned_model.json", "learned_model.onnx", "other_languages_model.json",
                "words_model.json")


def policy_copy(folder, edit=lambda text: text) -> str:
    """A copy of the bundled policy, with the files it names, in `folder`, its text changed by
    `edit`; returns the copy's path."""
    from pathlib import Path

    from onedoor.triage.policy import load_policy

    source = Path(load_policy().source)
    for name in POLICY_FILES:
        (Path(folder) / name).write_bytes((source.parent / name).read_bytes())
    (Path(folder) / "policy.yaml").write_text(edit(source.read_text()))
    return str(Path(folder) / "policy.yaml")
