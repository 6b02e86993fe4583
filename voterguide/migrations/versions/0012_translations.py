"""Texts in other languages: questions, questionnaires and elections hold their Spanish
(or any other language's) wording beside the English, as {"es": {"topic": ..., "text": ...}}.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

TABLES = ('questions', 'questionnaires', 'elections')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False,
                                          server_default=sa.text("'{}'")))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('translations')
