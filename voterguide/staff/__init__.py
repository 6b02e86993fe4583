"""The staff side: sign-in, spreadsheet imports, drafts, publishing, edits and history."""
