"""The live ticks' HTTP route (ui/live/tick_route.py): a token finds its session's ticker, and nothing else does."""

from __future__ import annotations

import json

from starlette.requests import Request
from streamlit.testing.v1 import AppTest

from ui.live import tick_route


def request(query: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": tick_route.TICK_PATH, "query_string": query.encode()})


def linking_page() -> None:
    import streamlit as st

    from ui.live import tick_route

    mounted = st.session_state.get("mounted", True)
    if mounted:
        tick_route.routes()
    link = tick_route.link(lambda: '{"served": true}')
    st.session_state["link"] = link
    if st.session_state.get("forget"):
        tick_route.forget()


def gone(response) -> bool:
    return response.status_code == 200 and json.loads(response.body)["gone"] is True


def test_an_unknown_token_is_told_it_is_gone_and_why() -> None:
    response = tick_route.tick(request("token=nobody"))
    assert gone(response) and "token" in json.loads(response.body)["fallback"]
    assert gone(tick_route.tick(request("")))


def test_a_linked_session_is_served_by_its_token_until_it_forgets() -> None:
    page = AppTest.from_function(linking_page).run()
    link = page.session_state["link"]
    assert link["url"] == tick_route.TICK_PATH and len(link["token"]) >= 20
    response = tick_route.tick(request(f"token={link['token']}&tick=3"))
    assert response.status_code == 200 and json.loads(response.body) == {"served": True}
    assert response.headers["cache-control"] == "no-store"
    assert gone(tick_route.tick(request(f"token={link['token'][:-1]}")))
    page.session_state["forget"] = True
    page.run()
    assert gone(tick_route.tick(request(f"token={link['token']}")))


def test_a_process_that_mounts_no_route_hands_out_no_link(monkeypatch) -> None:
    monkeypatch.setitem(tick_route._mounted, "routes", False)

    def page() -> None:
        import streamlit as st

        from ui.live import tick_route

        st.session_state["link"] = tick_route.link(lambda: "{}")

    assert AppTest.from_function(page).run().session_state["link"] is None
