"""The Streamlit side of the app: the only package (with app.py and pages/) that imports streamlit.

`data` (the current data, the store, settings), `router` (one Streamlit workaround), `filters`
(the shared period filter), `cached` (cached wrappers around the pure engine and renderers),
`editing` (who may change things), `sections` (pieces of page), `committee` (committee mode) and
`uploads` (the upload flow).
"""
