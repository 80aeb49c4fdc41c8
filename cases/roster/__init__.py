"""Bulk import of the county ledgers: the roster workbook of DESIGN §6 (issue #7).

- ``sheets``: the sheets, their columns and rules, and the registry other apps add their sheets to;
- ``cells`` and ``reader``: reading an xlsx workbook or a persons CSV (UTF-8, with or without BOM, or GBK);
- ``services``: ``roster_import`` — check everything, then write all or nothing, audited;
- ``template``: the downloadable workbook with every sheet, its headers and an example row;
- ``jobs``: the background jobs behind the import page (a dry run, then the import).
"""
