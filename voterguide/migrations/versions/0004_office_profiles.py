"""Office profiles and district figures: what each district's office is and who holds it,
and sourced figures (a figure cannot be saved without its source's name and link).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('district_facts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.String(length=200), nullable=False),
    sa.Column('fact', sa.String(length=200), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('unit', sa.Enum('people', 'percent', 'cases', 'dollars', 'days', 'per_100k', name='fact_unit', create_constraint=True), nullable=False),
    sa.Column('counties', sa.JSON(), nullable=False),
    sa.Column('source_name', sa.String(length=300), nullable=False),
    sa.Column('source_url', sa.String(length=500), nullable=False),
    sa.Column('retrieved_on', sa.Date(), nullable=False),
    sa.Column('caveat', sa.Text(), nullable=False),
    sa.Column('is_sample', sa.Boolean(), nullable=False),
    sa.CheckConstraint("source_url LIKE 'http%'", name=op.f('district_fact_source_url')),
    sa.CheckConstraint("unit != 'percent' OR (value >= 0 AND value <= 100)", name=op.f('district_fact_percent_range')),
    sa.CheckConstraint("unit = 'percent' OR value >= 0", name=op.f('district_fact_not_negative')),
    sa.CheckConstraint('length(fact) > 0', name=op.f('district_fact_named')),
    sa.CheckConstraint('length(period) IN (4, 7)', name=op.f('district_fact_period_shape')),
    sa.CheckConstraint('length(source_name) > 0', name=op.f('district_fact_source_named')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_district_facts_district_id_districts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district_facts')),
    sa.UniqueConstraint('district_id', 'fact', 'period', name='district_fact_key')
    )
    with op.batch_alter_table('district_facts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_district_facts_district_id'), ['district_id'], unique=False)

    op.create_table('office_profiles',
    sa.Column('district_id', sa.String(length=200), nullable=False),
    sa.Column('office_name', sa.String(length=200), nullable=False),
    sa.Column('incumbent_name', sa.String(length=200), nullable=True),
    sa.Column('incumbent_party', sa.String(length=100), nullable=True),
    sa.Column('in_office_since', sa.Integer(), nullable=True),
    sa.Column('term_ends', sa.Date(), nullable=True),
    sa.Column('running_again', sa.Boolean(), nullable=True),
    sa.Column('how_chosen', sa.Text(), nullable=False),
    sa.Column('last_contested_year', sa.Integer(), nullable=True),
    sa.Column('last_contested_result', sa.Text(), nullable=False),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.Column('contact', sa.Text(), nullable=False),
    sa.Column('policies', sa.JSON(), nullable=False),
    sa.Column('headline_fact', sa.String(length=200), nullable=True),
    sa.Column('is_sample', sa.Boolean(), nullable=False),
    sa.CheckConstraint("website IS NULL OR website LIKE 'http%'", name=op.f('office_profile_website_url')),
    sa.CheckConstraint('in_office_since IS NULL OR in_office_since BETWEEN 1800 AND 2200', name=op.f('office_profile_since_year')),
    sa.CheckConstraint('last_contested_year IS NULL OR last_contested_year BETWEEN 1800 AND 2200', name=op.f('office_profile_contested_year')),
    sa.CheckConstraint('length(office_name) > 0', name=op.f('office_profile_name_present')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_office_profiles_district_id_districts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('district_id', name=op.f('pk_office_profiles'))
    )


def downgrade():
    op.drop_table('office_profiles')
    with op.batch_alter_table('district_facts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_district_facts_district_id'))

    op.drop_table('district_facts')
