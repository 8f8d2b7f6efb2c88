"""Re-times the running fragment's own auto-rerun from inside one of its runs, without a full script run.

Streamlit sends a fragment's ``run_every`` to the browser as an AutoRerun message when the fragment is declared, and
the browser keeps one timer per fragment, replacing it when the same fragment is announced with another interval.
Declaring happens only in full runs, and a full run under load is itself interrupted by the ticks (a full-app
request absorbs the fragment ones), so pacing by full reruns would make an overloaded server worse. This sends the
same message from the tick instead. It uses Streamlit's script-run internals (1.67); if they are missing, it does
nothing and the interval stays as the last full run set it.
"""

from __future__ import annotations


def retime(interval_s: float) -> bool:
    """Ask the browser to tick the fragment that is running now every interval_s; False if that can't be done."""
    try:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState, enqueue_message
    except ImportError:
        return False
    try:
        fragment_id = ThreadState.get().fragment_id
    except AttributeError:
        return False
    if not fragment_id:
        return False
    message = ForwardMsg()
    message.auto_rerun.interval = float(interval_s)
    message.auto_rerun.fragment_id = fragment_id
    enqueue_message(message)
    return True
