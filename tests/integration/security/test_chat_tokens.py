"""A web-chat token names a person and a role (`diner-agent tenants token ID --name Sam --role staff`): chat
changes are audited to that person and have that role's rights; each person's newest token is the one
that works. On SQLite and Postgres, through the CLI and a loopback server."""

from __future__ import annotations

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from diner_agent.cli import main
from diner_agent.menu import models as m
from tests.live_site import make_site  # noqa: F401 (fixture)


def issue(db_url, *args: str) -> str:
    result = CliRunner().invoke(main, ["tenants", "token", "blue-plate", *args], env={"DATABASE_URL": db_url})
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def say(site, token: str, text: str) -> httpx.Response:
    return httpx.post(
        f"{site.url}/api/chat",
        json={"messages": [{"role": "user", "content": text}]},
        headers={"Authorization": f"Bearer {token}"},
    )


def reply(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return response.json()["choices"][0]["message"]["content"]


def audit(store) -> list[tuple[str, str | None, str | None, str]]:
    with store.read() as s:
        rows = s.execute(select(m.AuditEntry.actor, m.AuditEntry.actor_name, m.AuditEntry.actor_role,
                                m.AuditEntry.action).order_by(m.AuditEntry.id))  # fmt: skip
        return [tuple(r) for r in rows]


@pytest.fixture
def site(make_site, db_url, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.chdir(tmp_path)  # the CLI reads no developer .env
    return make_site(ai=False)


def test_a_staff_token_acts_as_that_person_with_staff_rights(site, db_url):
    sam = issue(db_url, "--name", "Sam", "--role", "staff")
    assert "sold out" in reply(say(site, sam, "86 the reuben"))
    assert "only an owner" in reply(say(site, sam, "coffee 3.00"))
    [(actor, name, role, action)] = audit(site.store)
    assert (name, role, action) == ("Sam", "staff", "toggle_available") and actor.startswith("web:")
    assert actor != "web:blue-plate"


def test_people_are_told_apart_and_undo_is_per_person(site, db_url):
    sam = issue(db_url, "--name", "Sam", "--role", "staff")
    dana = issue(db_url, "--name", "Dana", "--role", "owner")
    reply(say(site, dana, "coffee 2.75"))
    reply(say(site, sam, "86 the reuben"))
    assert reply(say(site, dana, "undo")).startswith("Undone. Coffee")
    actors = {row[1]: row[0] for row in audit(site.store)}
    assert actors["Sam"] != actors["Dana"]
    menu = {i["name"]: i for i in httpx.get(f"{site.url}/menu/blue-plate.json").json()["items"]}
    assert menu["Reuben"]["available"] is False and menu["Coffee"]["price"] == "2.50"


def test_a_new_token_for_a_person_ends_only_their_old_one(site, db_url):
    old_sam = issue(db_url, "--name", "Sam", "--role", "staff")
    dana = issue(db_url, "--name", "Dana", "--role", "owner")
    new_sam = issue(db_url, "--name", "sam", "--role", "staff")
    assert say(site, old_sam, "menu").status_code == 401
    assert say(site, new_sam, "menu").status_code == 200 and say(site, dana, "menu").status_code == 200


def test_without_a_name_the_token_is_the_owners_and_replaces_the_owners_last(site, db_url):
    first = issue(db_url)
    second = issue(db_url)
    assert say(site, first, "menu").status_code == 401
    assert "Coffee: $2.50 -> $2.75" in reply(say(site, second, "coffee 2.75"))
    [(_, name, role, _)] = audit(site.store)
    assert role == "owner" and name == "owner"


def test_a_role_other_than_owner_or_staff_is_refused(db_url, monkeypatch, tmp_path, store):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["tenants", "token", "blue-plate", "--name", "Eve", "--role", "admin"],
                                env={"DATABASE_URL": db_url})  # fmt: skip
    assert result.exit_code != 0 and "admin" in result.output
