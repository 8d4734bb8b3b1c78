"""`python -m bench.dbsetup`: migrate the database named by the environment, seed demo accounts.

Run in its own process so Alembic's logging setup never touches the bench process.
"""

from __future__ import annotations


def main() -> None:
    from flask_migrate import upgrade

    from service.app import create_app
    from service.demo import seed_accounts
    from service.extensions import db

    app = create_app()
    with app.app_context():
        upgrade()
        seed_accounts()
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
