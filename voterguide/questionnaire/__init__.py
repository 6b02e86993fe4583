"""Candidates answer the questionnaire online: a private link (or a short code from a
letter) opens their race's questions; they save, come back, preview, submit or decline.
A submission becomes a draft change set that staff publish like an import.

- ``tokens``: invitation links and access codes (derived from a key, only hashes stored).
- ``services``: drafts, word limits, submission, refusal, return, the tracker, reminders.
- ``mail``: invitations, reminders and receipts by SMTP.
- ``letters``: the printed letters (a PDF) when there is no SMTP.
- ``views``: the candidate's pages, /questionnaire and /questionnaire/<token>.
"""
