"""Alembic environment: migrations always run on a connection the bridge hands over
(``config.attributes["connection"]``), inside the caller's locked transaction."""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through bridge.migrate.upgrade (it passes the connection and the lock)")

context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
