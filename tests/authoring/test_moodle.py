"""Moodle question banks: GIFT and Moodle XML in, Moodle XML out, hostile files refused whole."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.authoring.helpers import draft_row, new_course
from training_app.admin.models import AuditEvent
from training_app.authoring import moodle

GIFT = """// Refrigerants bank, exported from Moodle
$CATEGORY: $course$/ODS

::first-look:: What do you check first on a cylinder?{
  =The label#Right: the label names the refrigerant.
  ~The valve
  ~The colour#Colours are not standardised.
  ####The label names the refrigerant; the colour does not.}

::colour:: A cylinder's colour proves which refrigerant is inside.{FALSE####Colours are not standardised.}

::red-flags:: Which are red flags on an HFC shipment?{
  ~%50%Brand-new disposable cylinders
  ~%50%A blend name with no HS code
  ~%-100%A commercial invoice}

::annexes:: Match each substance to its annex.{
  =CFC-12 -> Annex A
  =HFC-134a -> Annex F
  = -> Annex C}

::co2e:: How many tonnes CO₂-eq is 1 kg of HFC-134a?{#1.43:0.01}

::name:: Name the refrigerant on the label.{=R-22 =HCFC-22}

::report:: Describe how you would report the seizure.{}

Read the following case carefully.
"""

XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/ODS</text></category></question>
  <question type="multichoice">
    <name><text>Check first</text></name>
    <questiontext format="html"><text><![CDATA[<p>What do you check <strong>first</strong>?</p>]]></text></questiontext>
    <generalfeedback format="html"><text>The label names it.</text></generalfeedback>
    <defaultgrade>2</defaultgrade>
    <single>true</single>
    <answer fraction="100" format="html"><text>The label</text>
      <feedback format="html"><text>Yes.</text></feedback></answer>
    <answer fraction="0" format="html"><text>The colour</text></answer>
  </question>
  <question type="multichoice">
    <name><text>Red flags</text></name>
    <questiontext format="html"><text>Which are red flags?</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>New cylinders</text></answer>
    <answer fraction="50"><text>No HS code</text></answer>
    <answer fraction="-100"><text>An invoice</text></answer>
  </question>
  <question type="truefalse">
    <name><text>Colour</text></name>
    <questiontext format="html"><text>Colour is proof.</text></questiontext>
    <answer fraction="0"><text>true</text></answer>
    <answer fraction="100"><text>false</text><feedback><text>Colours are not standardised.</text></feedback></answer>
  </question>
  <question type="matching">
    <name><text>Annexes</text></name>
    <questiontext format="html"><text>Match each substance.</text></questiontext>
    <subquestion format="html"><text>CFC-12</text><answer><text>Annex A</text></answer></subquestion>
    <subquestion format="html"><text>HFC-134a</text><answer><text>Annex F</text></answer></subquestion>
    <subquestion format="html"><text></text><answer><text>Annex C</text></answer></subquestion>
  </question>
  <question type="numerical">
    <name><text>CO2e</text></name>
    <questiontext format="html"><text>CO2-eq of 1 kg HFC-134a?</text></questiontext>
    <answer fraction="100"><text>1.43</text><tolerance>0.01</tolerance></answer>
    <units><unit><multiplier>1</multiplier><unit_name>t CO2-eq</unit_name></unit></units>
  </question>
  <question type="ordering">
    <name><text>Steps</text></name>
    <questiontext format="html"><text>Put the steps in order.</text></questiontext>
    <answer fraction="1"><text>Put on PPE</text></answer>
    <answer fraction="2"><text>Photograph</text></answer>
    <answer fraction="3"><text>Sample</text></answer>
  </question>
  <question type="shortanswer">
    <name><text>Name</text></name>
    <questiontext format="html"><text>Name the gas.</text></questiontext>
    <answer fraction="100"><text>R-22</text></answer>
  </question>
  <question type="essay"><name><text>Report</text></name><questiontext><text>Describe.</text></questiontext></question>
  <question type="ddmarker"><name><text>Mark</text></name><questiontext><text>Drag.</text></questiontext></question>
</quiz>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<quiz><question type="truefalse"><questiontext><text>&lol3;</text></questiontext></question></quiz>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="truefalse"><questiontext><text>&secret;</text></questiontext>
<answer fraction="100"><text>true</text></answer></question></quiz>
"""


def _import(client, data: bytes, bank_format: str, language: str = "en", dry_run: bool = False):
    form = {"file": (io.BytesIO(data), "bank.txt"), "bank_format": bank_format, "module": "identify",
            "language": language}
    if dry_run:
        form["dry_run"] = "y"
    return client.post_form("/authoring/courses/seized-parrots/import-questions", form,
                            content_type="multipart/form-data")


def test_gift_imports_every_supported_type_and_reports_the_rest(client, db, login):
    new_course(client, db, login)
    response = _import(client, GIFT.encode(), "gift")
    assert response.status_code == 200
    row = draft_row(db, "seized-parrots")
    quiz = row.document["quizzes"]["identify-quiz"]
    assert row.document["modules"][0]["quiz"] == "identify-quiz"
    by_id = {q["id"]: q for q in quiz["questions"]}
    assert by_id["first-look"] == {"id": "first-look", "kind": "single_choice", "choices": ["a", "b", "c"],
                                   "correct": "a"}
    assert by_id["colour"] == {"id": "colour", "kind": "true_false", "correct": False}
    assert by_id["red-flags"]["kind"] == "multiple_response" and by_id["red-flags"]["correct"] == ["a", "b"]
    assert by_id["annexes"]["correct"] == {"item-1": "target-1", "item-2": "target-2"}
    assert by_id["annexes"]["targets"] == ["target-1", "target-2", "target-3"]
    assert by_id["co2e"] == {"id": "co2e", "kind": "numeric", "correct": 1.43, "tolerance": 0.01}
    words = row.document["texts"]["en"]["quizzes"]["identify-quiz"]["questions"]
    assert words["first-look"]["choices"]["a"] == {"text": "The label",
                                                   "feedback": "Right: the label names the refrigerant."}
    assert words["first-look"]["explanation"] == "The label names the refrigerant; the colour does not."
    assert words["annexes"]["targets"]["target-3"] == "Annex C"
    assert row.document["texts"]["fr"]["quizzes"]["identify-quiz"]["questions"]["colour"]["prompt"] == ""
    page = response.get_data(as_text=True)
    assert "line 24" in page and "line 26" in page and "line 28" in page  # short answer, essay, description
    assert "5 questions imported" in page and "3 skipped" in page
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "course.import_questions")).one()
    assert (event.details["imported"], event.details["skipped"]) == (5, 3)


def test_moodle_xml_imports_every_supported_type_into_french(client, db, login):
    new_course(client, db, login)
    client.get("/authoring?lang=fr")
    response = _import(client, XML, "moodle-xml", language="fr")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "6 questions importées" in page
    assert "Ce type de question Moodle n’a pas d’équivalent ici." in page
    row = draft_row(db, "seized-parrots")
    kinds = [(q["id"], q["kind"]) for q in row.document["quizzes"]["identify-quiz"]["questions"]]
    assert kinds == [("check-first", "single_choice"), ("red-flags", "multiple_response"),
                     ("colour", "true_false"), ("annexes", "matching"), ("co2e", "numeric"), ("steps", "ordering")]
    assert row.document["quizzes"]["identify-quiz"]["questions"][0]["points"] == 2
    words = row.document["texts"]["fr"]["quizzes"]["identify-quiz"]["questions"]
    assert words["check-first"]["prompt"] == "What do you check **first**?"
    assert words["co2e"]["unit"] == "t CO2-eq"
    assert words["steps"]["items"] == {"step-1": "Put on PPE", "step-2": "Photograph", "step-3": "Sample"}
    assert row.document["texts"]["en"]["quizzes"]["identify-quiz"]["questions"]["co2e"]["prompt"] == ""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY, b"<quiz><question>", b"<html></html>",
                                  "<?xml version='1.0' encoding='UTF-16'?><quiz/>".encode("utf-16")])
def test_hostile_or_broken_xml_is_refused_and_imports_nothing(client, db, login, data):
    new_course(client, db, login)
    revision = draft_row(db, "seized-parrots").revision
    response = _import(client, data, "moodle-xml")
    assert response.status_code == 422
    assert "Nothing was imported" in response.get_data(as_text=True) or "not" in response.get_data(as_text=True)
    row = draft_row(db, "seized-parrots")
    assert row.revision == revision and row.document["quizzes"] == {}


def test_dry_run_reports_and_changes_nothing(client, db, login):
    new_course(client, db, login)
    revision = draft_row(db, "seized-parrots").revision
    response = _import(client, GIFT.encode(), "gift", dry_run=True)
    assert "5 questions imported" in response.get_data(as_text=True)
    assert draft_row(db, "seized-parrots").revision == revision


def test_quiz_exports_to_moodle_xml_and_imports_back(client, db, login):
    new_course(client, db, login)
    _import(client, GIFT.encode(), "gift")
    exported = client.get("/authoring/courses/seized-parrots/quizzes/identify-quiz/moodle.xml?lang=en")
    assert exported.status_code == 200
    items = moodle.parse_moodle_xml(exported.get_data())
    original = draft_row(db, "seized-parrots").document["quizzes"]["identify-quiz"]["questions"]
    assert [item.spec["kind"] for item in items] == [q["kind"] for q in original]
    assert items[0].words["choices"]["a"]["text"] == "The label"


def test_cli_import_questions_prints_the_report(app, client, db, login, tmp_path, monkeypatch):
    new_course(client, db, login)
    bank = tmp_path / "bank.gift"
    bank.write_text(GIFT, encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("TRAINING_APP_INSTANCE", str(app.instance_path))
    from training_app.cli import main

    runner = CliRunner()
    args = ["import-questions", str(bank), "--format", "gift", "--course", "seized-parrots", "--module", "identify",
            "--language", "es"]
    result = runner.invoke(main, [*args, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would import 5 question(s)" in result.output and "line 24: skipped, short answer" in result.output
    assert draft_row(db, "seized-parrots").document["quizzes"] == {}
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    words = draft_row(db, "seized-parrots").document["texts"]["es"]["quizzes"]["identify-quiz"]["questions"]
    assert words["colour"]["prompt"] == "A cylinder's colour proves which refrigerant is inside."

    essay = tmp_path / "essay.gift"
    essay.write_text("::report:: Describe the seizure.{}\n", encoding="utf-8")
    result = runner.invoke(main, ["import-questions", str(essay), "--format", "gift", "--course", "seized-parrots",
                                  "--module", "identify", "--language", "en"])
    assert result.exit_code == 1
    assert "imported 0 question(s)" in result.output
