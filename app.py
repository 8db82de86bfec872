"""DynamoDB Design Workbench in the browser: the router (page config, session, navigation)."""

from pathlib import Path  # noqa: I001 - engine before streamlit (below)

import engine  # noqa: F401 - before streamlit: sets the BLAS thread count before streamlit loads numpy
import streamlit as st

from ui import state, widgets

HERE = Path(__file__).resolve().parent

st.set_page_config(
    page_title="DynamoDB Design Workbench",
    page_icon=str(HERE / "ui" / "assets" / "favicon.png"),
    layout="wide",
)
if not widgets.access_granted():  # DDB_WORKBENCH_ACCESS_CODE: an exposed workshop server asks once per session
    st.stop()
state.ensure_session(follow=True)
widgets.print_styles()  # printing a page leaves out the sidebar and inputs and cuts nothing

# Every page has an explicit url_path that differs from its file stem (ARCHITECTURE.md, Streamlit rules).
NAV = {
    "Design": [
        st.Page("views/start_page.py", title="Start", icon=":material/home:", url_path="start", default=True),
        st.Page("views/design_page.py", title="Design", icon=":material/edit_note:", url_path="design"),
    ],
    "Consequences": [
        st.Page("views/capacity_page.py", title="Capacity & cost", icon=":material/payments:",
                url_path="capacity-and-cost"),
        st.Page("views/partitions_page.py", title="Partitions & hot keys", icon=":material/local_fire_department:",
                url_path="partitions-and-hot-keys"),
        st.Page("views/consistency_page.py", title="Consistency", icon=":material/schedule:",
                url_path="consistency"),
        st.Page("views/collections_page.py", title="Item collections", icon=":material/table_rows:",
                url_path="item-collections"),
    ],
    "Decide": [
        st.Page("views/compare_page.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"),
    ],
}

page = st.navigation(NAV, expanded=True)
widgets.sidebar()
widgets.save_status()
page.run()
