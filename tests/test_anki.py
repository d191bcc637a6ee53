"""Anki export, checked by importing into a real Anki collection."""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import genanki
import pytest
from anki.collection import Collection
from cardview import import_apkg
from conftest import SAMPLE, run

from exporters import anki as anki_exporter
from exporters.anki import GUID_NAMESPACE, MODEL_IDS, export_anki
from sciatica_quiz.loader import load_library
from sciatica_quiz.model import Library, QuestionType

MARKUP = "<b>bold</b> & \"q\" 'a' {x} # $ * _ \\ % ~ = \\(x\\) [sound:a.mp3] {{c1::not a cloze}}"


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[Collection]:
    col = Collection(str(tmp_path / "collection.anki2"))
    yield col
    col.close()


def sample() -> Library:
    return load_library([SAMPLE], builtin=False)


def test_sample_imports_with_every_note_type(tmp_path: Path, collection: Collection) -> None:
    library = sample()
    out = tmp_path / "sample.apkg"
    report = export_anki(library, library.questions, out)
    assert (report.notes, report.cards) == (6, 7)  # the cloze question has two deletions
    import_apkg(collection, out)
    assert collection.note_count() == 6
    assert collection.card_count() == 7
    names = {d.name for d in collection.decks.all_names_and_ids()}
    assert {"Sciatica", "Sciatica::01 Anatomy"} <= names
    assert len(collection.find_cards('"deck:Sciatica::01 Anatomy"')) == 7
    type_names = {collection.get_note(n).note_type()["name"] for n in collection.find_notes("")}  # type: ignore[index]
    assert type_names == {f"sciatica-quiz {t.label}" for t in QuestionType}
    ids = {collection.get_note(n).note_type()["id"] for n in collection.find_notes("")}  # type: ignore[index]
    assert ids == set(MODEL_IDS.values())
    nid = collection.find_notes('"Id:sample/roots"')[0]
    note = collection.get_note(nid)
    assert set(note.tags) >= {"topic::anatomy", "difficulty::1", "mblex::anatomy-physiology"}
    card = note.cards()[0]
    assert "Which ventral rami form the sciatic nerve?" in card.question()
    assert re.search(
        r'class="choice correct"><span class="mark">✓</span><span class="letter">[A-D]\.</span>L4–S3',
        card.answer(),
    )
    assert "The sciatic nerve forms from the ventral rami of L4 to S3" in card.answer()
    assert "A sample textbook" in card.answer()


def test_cloze_and_matching_render(tmp_path: Path, collection: Collection) -> None:
    library = sample()
    out = tmp_path / "sample.apkg"
    export_anki(library, library.questions, out)
    import_apkg(collection, out)
    cloze = collection.get_note(collection.find_notes('"Id:sample/foramen"')[0])
    first, second = sorted(cloze.cards(), key=lambda c: c.ord)
    assert "[...]" in first.question() and "greater sciatic foramen" not in first.question()
    assert "greater sciatic foramen" in first.answer()
    assert "[muscle]" in second.question()  # the hint shows on the front
    matching = collection.get_note(collection.find_notes('"Id:sample/compartments"')[0]).cards()[0]
    assert "Match with:" in matching.question()
    assert re.search(r'<span class="key">1 → [A-D]</span>', matching.answer())
    assert "Posterior compartment" in matching.answer()


def test_markup_shows_literally(tmp_path: Path, collection: Collection) -> None:
    bank = tmp_path / "markup.yaml"
    bank.write_text(
        "id: markup\ntitle: Markup\ntopic: anatomy\nsources:\n  - id: m-src\n    title: T\n    authors: A\n"
        "questions:\n"
        f"  - id: q\n    type: true_false\n    case: {json.dumps(MARKUP)}\n    prompt: {json.dumps(MARKUP)}\n"
        f"    answer: true\n    explanation: {json.dumps(MARKUP)}\n    sources: [m-src]\n"
        '  - id: c\n    type: cloze\n    text: "Before <i>{{c1::a<b>&c}}</i> after $x$"\n'
        "    explanation: E\n    sources: [m-src]\n",
        encoding="utf-8",
    )
    library = load_library([bank], builtin=False)
    out = tmp_path / "markup.apkg"
    export_anki(library, library.questions, out)
    import_apkg(collection, out)
    card = collection.get_note(collection.find_notes('"Id:markup/q"')[0]).cards()[0]
    html = card.answer()
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "{<span></span>{c1::not a cloze}<span></span>}" in html
    assert collection.card_count() == 2  # the literal {{c1::...}} made no extra card
    cloze = collection.get_note(collection.find_notes('"Id:markup/c"')[0]).cards()[0]
    assert "&lt;i&gt;" in cloze.question() and "a&lt;b&gt;&amp;c" in cloze.answer()


def test_reimport_updates_in_place_and_keeps_scheduling(tmp_path: Path, collection: Collection) -> None:
    library = sample()
    v1 = tmp_path / "v1.apkg"
    export_anki(library, library.questions, v1)
    import_apkg(collection, v1)
    collection.decks.select(collection.decks.id_for_name("Sciatica::01 Anatomy"))  # type: ignore[arg-type]
    card = collection.sched.getCard()
    assert card is not None
    collection.sched.answerCard(card, 3)
    reviewed = collection.get_card(card.id)
    before = (reviewed.due, reviewed.ivl, reviewed.reps, reviewed.type)
    note_id = reviewed.nid
    old_text = collection.get_note(note_id).fields[0]

    # The author fixes that question and bumps its revised date (the documented step).
    qid = collection.get_note(note_id)["Id"].split("/")[1]
    edited = SAMPLE.read_text(encoding="utf-8")
    edited = edited.replace(f"  - id: {qid}\n", f"  - id: {qid}\n    revised: 2026-12-15\n", 1)
    edited = edited.replace(old_text, old_text + " (corrected)", 1)
    bank = tmp_path / "sample.yaml"
    bank.write_text(edited, encoding="utf-8")
    library2 = load_library([bank], builtin=False)
    v2 = tmp_path / "v2.apkg"
    export_anki(library2, library2.questions, v2)
    import_apkg(collection, v2)

    assert collection.note_count() == 6
    assert collection.card_count() == 7
    assert collection.get_note(note_id).fields[0] == old_text + " (corrected)"
    after = collection.get_card(card.id)
    assert (after.due, after.ivl, after.reps, after.type) == before


def test_exports_are_byte_identical(tmp_path: Path) -> None:
    library = load_library()
    a, b = tmp_path / "a.apkg", tmp_path / "b.apkg"
    export_anki(library, library.questions, a)
    export_anki(library, library.questions, b)
    assert a.read_bytes() == b.read_bytes()


def test_package_contents_by_hand(tmp_path: Path) -> None:
    library = sample()
    out = tmp_path / "sample.apkg"
    export_anki(library, library.questions, out)
    with zipfile.ZipFile(out) as zf:
        assert set(zf.namelist()) == {"collection.anki2", "media"}
        assert json.loads(zf.read("media")) == {}
        db = tmp_path / "c.anki2"
        db.write_bytes(zf.read("collection.anki2"))
    conn = sqlite3.connect(db)
    guids = {g for (g,) in conn.execute("SELECT guid FROM notes")}
    expected = {genanki.guid_for(GUID_NAMESPACE, q.bank, q.id) for q in library.questions}
    assert guids == expected
    models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
    assert {int(k) for k in models} == set(MODEL_IDS.values())
    assert all(len(m["flds"]) in (7, 8) for m in models.values())
    dues = [d for (d,) in conn.execute("SELECT due FROM cards ORDER BY due")]
    assert dues[0] == 1  # new cards come in bank order
    conn.close()


def test_failed_export_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    library = sample()
    out = tmp_path / "deck.apkg"
    out.write_bytes(b"previous")

    def boom(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(anki_exporter, "_write_zip", boom)
    with pytest.raises(RuntimeError):
        export_anki(library, library.questions, out)
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["deck.apkg"]


def test_builtin_banks_import(tmp_path: Path, collection: Collection) -> None:
    library = load_library()
    out = tmp_path / "all.apkg"
    report = export_anki(library, library.questions, out)
    import_apkg(collection, out)
    assert collection.note_count() == report.notes == len(library.questions)
    assert collection.card_count() == report.cards
    for topic in library.topics:
        assert collection.find_cards(f'"tag:topic::{topic}"')


def test_cli_export(tmp_path: Path) -> None:
    out = tmp_path / "deck.apkg"
    result = run(
        ["export", "anki", "-o", str(out), "--no-builtin", "--bank", str(SAMPLE), "--deck-name", "Class 1"],
        catch=False,
    )
    assert result.exit_code == 0
    assert result.stdout.strip() == f"Wrote {out}: 6 notes, 7 cards in 1 subdeck of 'Class 1'"
    assert zipfile.is_zipfile(out)


def test_cli_export_bad_paths(tmp_path: Path) -> None:
    result = run(["export", "anki", "-o", str(tmp_path / "missing" / "d.apkg")])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {tmp_path / 'missing' / 'd.apkg'}: folder '{tmp_path / 'missing'}' does not exist; create it first"
    )
    result = run(["export", "anki", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {tmp_path}: is a folder; give a file name inside it"


def test_subdecks_sort_into_teaching_order_and_decks_are_described(
    tmp_path: Path, collection: Collection
) -> None:
    library = load_library()
    out = tmp_path / "all.apkg"
    export_anki(library, library.questions, out)
    import_apkg(collection, out)
    subdecks = sorted(d.name for d in collection.decks.all_names_and_ids() if d.name.startswith("Sciatica::"))
    titles = [name.split("::")[1].split(" ", 1)[1] for name in subdecks]  # as Anki lists them
    assert titles == [
        "Anatomy",
        "Symptoms",
        "Causes",
        "Assessment",
        "Management",
        "Special populations",
        "Evidence",
    ]
    root = collection.decks.by_name("Sciatica")
    assert root is not None and "one subdeck per topic" in root["desc"]
    anatomy = collection.decks.by_name(subdecks[0])
    assert anatomy is not None and anatomy["desc"] == library.bank("anatomy").description


def test_an_update_replaces_every_field_so_none_is_offered_for_notes(
    tmp_path: Path, collection: Collection
) -> None:
    """What the README says about fields: Anki overwrites them all when it updates a note."""
    library = sample()
    v1 = tmp_path / "v1.apkg"
    export_anki(library, library.questions, v1)
    import_apkg(collection, v1)
    models = {
        collection.get_note(n).note_type()["name"]: collection.get_note(n).note_type()
        for n in collection.find_notes("")
    }  # type: ignore[index]
    for model in models.values():
        names = [f["name"] for f in model["flds"]]  # type: ignore[index]
        assert names[-1] == "Reserved" and "My notes" not in names
    nid = collection.find_notes('"Id:sample/roots"')[0]
    note = collection.get_note(nid)
    note["Reserved"] = "my own note"
    collection.update_note(note)
    bank = tmp_path / "sample.yaml"
    bank.write_text(
        SAMPLE.read_text(encoding="utf-8").replace(
            "  - id: roots\n", "  - id: roots\n    revised: 2099-01-01\n", 1
        ),
        encoding="utf-8",
    )
    v2 = tmp_path / "v2.apkg"
    library2 = load_library([bank], builtin=False)
    export_anki(library2, library2.questions, v2)
    import_apkg(collection, v2)
    assert collection.get_note(nid)["Reserved"] == ""
