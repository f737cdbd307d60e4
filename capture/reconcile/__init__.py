"""Reconciliation: the tax platform's invoice list, the books and the captured records, side by
side, as five lists (lists.py) written as JSON, XLSX and a verification list (sheets.py)."""
