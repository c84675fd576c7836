/**
 * CSV import: a CSV file (header row, then one record per row) as one {@code batch} op that adds its
 * columns and rows to an empty sheet at one version. The HTTP side is {@code POST /api/sheets/{id}/import}
 * (docs/HTTP-API.md); this package only turns text into the op, with errors that name the line.
 */
package dev.livegrid.csvimport;
