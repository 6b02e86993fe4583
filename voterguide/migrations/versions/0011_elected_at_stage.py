"""The voting day on which a candidate was elected outright: candidates.elected_at_stage_id
(a race decided by a majority at a June primary says so in November).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('elected_at_stage_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_candidates_elected_at_stage_id_election_stages'), 'election_stages',
            ['elected_at_stage_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_candidates_elected_at_stage_id_election_stages'), type_='foreignkey')
        batch_op.drop_column('elected_at_stage_id')
