"""Exports for people: a batch of records as a spreadsheet (XLSX, CSV) with Chinese headers, and
the one workbook writer the reconciliation shares. Above emit.py (whose atomic writer and
formula guard they use), below everything that writes a spreadsheet."""
