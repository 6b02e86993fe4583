"""The published guide's content version: one row whose number publishing, rolling back and
every data load bump, so that every server process's page cache serves the new pages at once.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('content_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('content_version_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_version'))
    )


def downgrade():
    op.drop_table('content_version')
