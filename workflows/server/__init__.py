"""`alhf serve`: one process that owns the lesson store and the database, with a web review app and a JSON
API behind local accounts (workflows/server/accounts.py) mapped to governance roles.

Modules: accounts (the accounts table), owner (the data-dir file that says where the server runs), auth
(sessions, CSRF, API tokens, role checks), service (the actions pages and API share), api (JSON), pages
(HTML), app (assembly and lifespan), settings (config.yaml `server:`), client (other commands talking to a
running server)."""
