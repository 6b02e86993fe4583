"""How each state's district attorneys are chosen (partisan or not, the primary, the
majority rule and the runoff), from its state.json: a JSON column on states, filled by the
next ``flask setup`` (or ``flask places load-state``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('states', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_selection', sa.JSON(), nullable=False,
                                      server_default='{}'))


def downgrade():
    with op.batch_alter_table('states', schema=None) as batch_op:
        batch_op.drop_column('office_selection')
