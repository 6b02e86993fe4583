"""The district page's summary and a guide voters can trust:

- states.facts: the state's voting facts from its state.json (deadlines per election, the ID
  rule, polling hours, official links, each with its source), JSON, "{}" for older rows.
- questionnaires.reminder_on: when the reminder went out, shown beside the candidates who
  did not respond (NULL: not known); the last day answers were taken is
  questionnaires.deadline (0006).
- candidates.bio_source: who wrote the biography, "candidate" or "staff" (NULL: not
  recorded, and the page says nothing).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('states', schema=None) as batch_op:
        batch_op.add_column(sa.Column('facts', sa.JSON(), server_default=sa.text("'{}'"),
                                      nullable=False))
    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_on', sa.Date(), nullable=True))
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bio_source', sa.String(length=20), nullable=True))
        batch_op.create_check_constraint(
            'candidate_bio_source_known',
            "bio_source IS NULL OR bio_source IN ('candidate', 'staff')")


def downgrade():
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.drop_constraint('candidate_bio_source_known', type_='check')
        batch_op.drop_column('bio_source')
    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.drop_column('reminder_on')
    with op.batch_alter_table('states', schema=None) as batch_op:
        batch_op.drop_column('facts')
