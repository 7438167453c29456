"""The designer's page (/machines/<name>/design/): who may open it, and that it loads the built front end.

Personas on "Orders": edith may edit it, vera may only view it, stan holds nothing on it. The page needs the
front end built (`bash .ci/setup.sh` does it; frontend/dist/ is never committed).
"""
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from designer.accounts import permissions
from designer.templatetags import vite
from tests.executions.runtime import make_machine

pytestmark = pytest.mark.django_db

ORDERS = {"StartAt": "Check", "States": {
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Done"}],
              "Default": "Done"},
    "Done": {"Type": "Succeed"}}}


@pytest.fixture
def people(django_user_model):
    return {name: django_user_model.objects.create_user(name, password=f"{name}-pass-1234")
            for name in ("edith", "vera", "stan")}


@pytest.fixture
def orders(people):
    machine = make_machine(ORDERS, name="Orders")
    permissions.grant(machine, permissions.EDIT, user=people["edith"])
    permissions.grant(machine, permissions.VIEW, user=people["vera"])
    return machine


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def designer_root(html: str) -> str:
    match = re.search(r'<div id="designer"[^>]*>', html)
    assert match, html
    return match.group(0)


def test_a_viewer_gets_the_page_with_the_machine_in_data_attributes(people, orders):
    response = client_for(people["vera"]).get("/machines/Orders/design/")
    assert response.status_code == 200
    root = designer_root(response.content.decode())
    assert 'data-machine-name="Orders"' in root
    assert f'data-machine-arn="{orders.arn}"' in root
    assert 'data-api-url="/api/state-machines/Orders/"' in root
    assert 'data-can-edit="false"' in root


def test_an_editor_is_told_it_may_edit(people, orders):
    response = client_for(people["edith"]).get("/machines/Orders/design/")
    assert 'data-can-edit="true"' in designer_root(response.content.decode())


def test_the_page_loads_the_built_bundle_as_files_only(people, orders):
    html = client_for(people["vera"]).get("/machines/Orders/design/").content.decode()
    scripts = re.findall(r'<script type="module" src="([^"]+)"></script>', html)
    styles = re.findall(r'<link rel="stylesheet" href="(/static/designer-app/[^"]+)">', html)
    assert len(scripts) == 1 and len(styles) == 1, html
    for url in scripts + styles:
        assert url.startswith(f"{settings.STATIC_URL}designer-app/assets/"), url
        found = finders.find(url.removeprefix(settings.STATIC_URL))
        assert found and Path(found).stat().st_size > 0, f"{url} is not a built file"
        assert Path(found).parent.parent == Path(settings.DESIGNER_APP_DIR)
    assert "<script>" not in html and "<style" not in html  # the CSP allows no inline script or style


def test_a_machine_the_user_may_not_view_is_a_404_like_a_missing_one(people, orders):
    client = client_for(people["stan"])
    assert client.get("/machines/Orders/design/").status_code == 404
    assert client.get("/machines/Nothing/design/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(orders):
    response = Client().get("/machines/Orders/design/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/?next=/machines/Orders/design/")


def test_the_machine_page_links_to_the_designer(people, orders):
    html = client_for(people["vera"]).get("/machines/Orders/").content.decode()
    assert '<a class="button" href="/machines/Orders/design/">Design</a>' in html


def test_a_missing_build_is_a_clear_error(settings, tmp_path):
    settings.DESIGNER_APP_DIR = tmp_path
    with pytest.raises(Exception, match=r"The designer is not built: .*Run `bash \.ci/setup\.sh`"):
        vite.entry("src/main.tsx")


def test_the_manifest_is_read_again_after_a_rebuild(settings, tmp_path):
    settings.DESIGNER_APP_DIR = tmp_path
    (tmp_path / ".vite").mkdir()
    manifest = tmp_path / ".vite" / "manifest.json"
    manifest.write_text('{"src/main.tsx": {"file": "assets/main-1.js", "isEntry": true, "imports": ["_shared"]},'
                        ' "_shared": {"file": "assets/shared.js", "css": ["assets/shared.css"]}}')
    assert vite.entry("src/main.tsx") == vite.Entry("designer-app/assets/main-1.js", ("designer-app/assets/shared.css",))
    manifest.write_text('{"src/main.tsx": {"file": "assets/main-2.js", "isEntry": true}}')
    os.utime(manifest, ns=(1, manifest.stat().st_mtime_ns + 1_000_000))
    assert vite.entry("src/main.tsx").script == "designer-app/assets/main-2.js"
    with pytest.raises(Exception, match="has no entry 'src/other.ts' \\(entries: src/main.tsx\\)"):
        vite.entry("src/other.ts")
