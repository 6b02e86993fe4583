"""Change sets of the kind "sample": the fictional sample election is loaded through the same
change sets, publication and history as staff's own work, so it shows in the history (and
can be rolled back) like any other change.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

KINDS = ('import', 'edit', 'rollback', 'questionnaire')
OLD_KIND = sa.Enum(*KINDS, name='change_set_kind', create_constraint=True)
NEW_KIND = sa.Enum(*KINDS, 'sample', name='change_set_kind', create_constraint=True)


def _alter_kind(old, new):
    """Change the kinds a change set may have: the CHECK constraint (SQLite, by copying the
    table) or the native enum (PostgreSQL, which cannot drop a value again)."""
    if op.get_context().dialect.name == 'postgresql':
        if len(new.enums) > len(old.enums):
            op.execute("ALTER TYPE change_set_kind ADD VALUE IF NOT EXISTS 'sample'")
        return
    with op.batch_alter_table('change_sets', schema=None, recreate='always') as batch_op:
        batch_op.alter_column('kind', existing_type=old, type_=new, existing_nullable=False)


def upgrade():
    _alter_kind(OLD_KIND, NEW_KIND)


def downgrade():
    # The sample's history goes (the sample itself stays, as plain rows, as before 0013).
    op.execute("UPDATE change_sets SET rolls_back_id = NULL WHERE rolls_back_id IN "
               "(SELECT id FROM change_sets WHERE kind = 'sample')")
    op.execute("DELETE FROM change_sets WHERE kind = 'sample'")
    _alter_kind(NEW_KIND, OLD_KIND)
