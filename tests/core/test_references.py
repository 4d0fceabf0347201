import pytest

from onedoor.core.references import ALPHABET, reference_display, reference_generate, reference_normalise


def test_generated_references_are_valid_and_use_only_unambiguous_characters():
    for _ in range(200):
        reference = reference_generate()
        assert len(reference) == 9
        assert set(reference) <= set(ALPHABET)
        assert reference_normalise(reference) == reference
        for confusable in "01ILO":
            assert confusable not in reference


def test_typed_reference_in_any_case_with_hyphens_or_spaces_is_accepted():
    reference = reference_generate()
    typed = reference_display(reference).lower().replace("-", " ")
    assert reference_normalise(typed) == reference


def test_every_single_character_typo_is_caught():
    reference = reference_generate()
    for position in range(len(reference)):
        for replacement in ALPHABET:
            if replacement == reference[position]:
                continue
            typo = reference[:position] + replacement + reference[position + 1:]
            assert reference_normalise(typo) is None


@pytest.mark.parametrize("typed", ["", "ABC", "ABCD-EFGH-JK", "0000-0000-0", "<script>", "A" * 500])
def test_nonsense_is_not_a_reference(typed):
    assert reference_normalise(typed) is None


def test_most_swaps_of_neighbouring_characters_are_caught():
    caught = total = 0
    for _ in range(300):
        reference = reference_generate()
        for position in range(len(reference) - 1):
            a, b = reference[position], reference[position + 1]
            if a == b:
                continue
            total += 1
            swapped = reference[:position] + b + a + reference[position + 2:]
            caught += reference_normalise(swapped) is None
    assert caught / total > 0.95
