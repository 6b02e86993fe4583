"""Candidates answer online: invitations (only their hashes), draft answers, a deadline
per questionnaire, a declining candidate's statement, a contact's postal address, and change
sets of the kind "questionnaire" (a submission waiting to be published).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 05:47:23.244018

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

KINDS = ('import', 'edit', 'rollback')
OLD_KIND = sa.Enum(*KINDS, name='change_set_kind', create_constraint=True)
NEW_KIND = sa.Enum(*KINDS, 'questionnaire', name='change_set_kind', create_constraint=True)


def _alter_kind(old, new):
    """Change the kinds a change set may have: the CHECK constraint (SQLite, by copying the
    table) or the native enum (PostgreSQL, which cannot drop a value again)."""
    if op.get_context().dialect.name == 'postgresql':
        if len(new.enums) > len(old.enums):
            op.execute("ALTER TYPE change_set_kind ADD VALUE IF NOT EXISTS 'questionnaire'")
        return
    with op.batch_alter_table('change_sets', schema=None, recreate='always') as batch_op:
        batch_op.alter_column('kind', existing_type=old, type_=new, existing_nullable=False)


def upgrade():
    op.create_table('draft_answers',
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=20), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_draft_answers_candidate_id_candidates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_draft_answers_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('candidate_id', 'question_id', name=op.f('pk_draft_answers'))
    )
    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('salt', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('sent_by', sa.String(length=10), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.Column('draft_saved_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('declined_at', sa.DateTime(), nullable=True),
    sa.Column('decline_statement', sa.Text(), nullable=False),
    sa.Column('returned_at', sa.DateTime(), nullable=True),
    sa.Column('return_note', sa.Text(), nullable=False),
    sa.Column('reminders_sent', sa.Integer(), nullable=False),
    sa.Column('last_reminded_at', sa.DateTime(), nullable=True),
    sa.Column('change_set_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('length(code_hash) = 64', name=op.f('invitation_code_is_hash')),
    sa.CheckConstraint('length(token_hash) = 64', name=op.f('invitation_token_is_hash')),
    sa.CheckConstraint('reminders_sent >= 0', name=op.f('invitation_reminders_non_negative')),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_invitations_candidate_id_candidates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['change_set_id'], ['change_sets.id'], name=op.f('fk_invitations_change_set_id_change_sets')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_invitations_created_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_invitations_code_hash')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_candidate_id'), ['candidate_id'], unique=False)

    with op.batch_alter_table('candidate_contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('postal_address', sa.Text(), nullable=True))

    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('statement', sa.Text(), server_default='', nullable=False))

    _alter_kind(OLD_KIND, NEW_KIND)

    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_candidate_id'))

    op.drop_table('invitations')
    op.drop_table('draft_answers')

    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.drop_column('deadline')

    op.execute("DELETE FROM change_sets WHERE kind = 'questionnaire'")
    _alter_kind(NEW_KIND, OLD_KIND)

    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.drop_column('statement')

    with op.batch_alter_table('candidate_contacts', schema=None) as batch_op:
        batch_op.drop_column('postal_address')
