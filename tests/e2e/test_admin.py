"""The administrator's journey in each language: import accounts from a CSV file (check, then apply),
revoke a certificate and see its public verification page change at once, filter the completion report
by country and course and export it as CSV and XLSX."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from tests.e2e.browsing import course_text, t, tn
from tests.e2e.checks import axe
from tests.e2e.conftest import LANGS, Server
from tests.e2e.seed import email

COLUMNS = "email,name,role,country,agency,post,locale"


def _csv(folder: Path, lang: str) -> tuple[Path, list[str]]:
    addresses = [f"import-{lang}-{n}@e2e.example" for n in (1, 2)]
    rows = [COLUMNS,
            f"{addresses[0]},Alex Import {lang},learner,CA,CBSA,,fr",
            f"{addresses[1]},Río Import {lang},trainer,MX,ANAM,,es"]
    path = folder / f"accounts-{lang}.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path, addresses


@pytest.mark.parametrize("lang", LANGS)
def test_admin_imports_accounts_after_checking_the_file(new_context, sign_in, server: Server, lang, tmp_path: Path,
                                                        node_tools: Path):
    page = new_context(lang).new_page()
    sign_in(page, email("admin"), lang)
    page.get_by_role("link", name=t(lang, "Administration"), exact=True).click()
    page.get_by_role("link", name=t(lang, "Import accounts"), exact=True).click()
    accounts, addresses = _csv(tmp_path, lang)
    page.locator("#file").set_input_files(accounts)
    page.get_by_role("button", name=t(lang, "Check the file")).click()

    # The check shows what would happen and changes nothing.
    main = page.locator("main")
    assert main.get_by_text(tn(lang, "%(count)s account to create", "%(count)s accounts to create", 2)).is_visible()
    assert main.get_by_text(tn(lang, "%(count)s row rejected", "%(count)s rows rejected", 0)).is_visible()
    assert not axe(page, node_tools, f"admin-import-plan ({lang})")
    other = page.context.new_page()
    other.goto(server(f"/admin/users?q={addresses[0]}"))
    assert not other.get_by_text(addresses[0]).count()

    page.get_by_role("button", name=t(lang, "Apply these changes")).click()
    page.wait_for_url("**/admin/users")
    flashes = page.locator(".flashes").inner_text()
    assert tn(lang, "%(num)d account created.", "%(num)d accounts created.", 2) in flashes
    for address in addresses:
        other.goto(server(f"/admin/users?q={address}"))
        assert other.locator("main table").get_by_text(address).is_visible()


@pytest.mark.parametrize("lang", LANGS)
def test_admin_revokes_a_certificate_and_the_public_page_says_so_at_once(new_context, sign_in, server: Server,
                                                                         lang):
    code = server.world.certified[lang]
    public = new_context(lang).new_page()
    public.goto(server(f"/verify/{code}"))
    assert public.get_by_text(t(lang, "This certificate is valid.")).is_visible()

    page = new_context(lang).new_page()
    sign_in(page, email("admin"), lang)
    page.get_by_role("link", name=t(lang, "Certificates"), exact=True).click()
    page.locator("#q").fill(code.lower())
    page.get_by_role("button", name=t(lang, "Search")).click()
    page.locator("main table a").first.click()
    reason = {"en": "Completed by another person.", "fr": "Réussi par une autre personne.",
              "es": "Aprobado por otra persona."}[lang]
    page.locator("#reason").fill(reason)
    page.get_by_role("button", name=t(lang, "Revoke"), exact=True).click()
    assert page.locator(".flash-success").inner_text() == t(
        lang, "The certificate is revoked. The verification page shows it now.")

    public.reload()
    assert public.locator(".badge").inner_text() == t(lang, "Revoked")
    assert not public.get_by_text(t(lang, "This certificate is valid.")).count()
    assert public.get_by_text(reason).is_visible()


@pytest.mark.parametrize("lang", LANGS)
def test_admin_filters_the_completion_report_and_exports_csv_and_xlsx(new_context, sign_in, server: Server, lang,
                                                                       node_tools: Path):
    page = new_context(lang).new_page()
    sign_in(page, email("admin"), lang)
    if page.goto(server("/reports/completions")).status == 404:
        pytest.skip("the completion report (/reports/completions) is not part of the application yet")
    page.locator("#country").select_option("CA")
    page.locator("#course").select_option(label=course_text(lang, "title"))
    page.get_by_role("button", name=t(lang, "Show"), exact=True).click()
    assert "country=CA" in page.url and "course=" in page.url
    rows = page.locator("table.report tbody tr")
    assert rows.count() == 1 and rows.locator("th").inner_text() == t(lang, "Canada")
    assert not axe(page, node_tools, f"reports-completions filtered ({lang})")

    downloads = {}
    for file_format in ("csv", "xlsx"):
        page.locator("form.export select[name=format]").select_option(file_format)
        with page.expect_download() as download:
            page.locator("form.export button[type=submit]").click()
        assert download.value.suggested_filename.endswith(f".{file_format}")
        downloads[file_format] = download.value.path().read_bytes()
    table = list(csv.reader(io.StringIO(downloads["csv"].decode("utf-8-sig"))))
    assert table[0][0] == t(lang, "Country")
    assert [row[0] for row in table[1:]] == [t(lang, "Canada"), t(lang, "All")]
    with zipfile.ZipFile(io.BytesIO(downloads["xlsx"])) as workbook:
        text = "".join(workbook.read(name).decode("utf-8") for name in workbook.namelist() if name.endswith(".xml"))
    assert t(lang, "Canada") in text and table[1][1] in text
