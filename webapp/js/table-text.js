// Tables as text: what the clipboard carries between LiveGrid and spreadsheets (Excel, LibreOffice Calc,
// Google Sheets), and CSV files. No DOM and no dependencies.
//
// Spreadsheets put a copied range in text/plain as TSV: fields split by tabs, rows by line breaks, and a
// field that holds a tab, line break or quote wrapped in double quotes with inner quotes doubled (the
// quoting of RFC 4180). They read such text back on paste. Quotes are honoured leniently, as they do: a
// field is quoted only if it starts with `"` and a closing quote is followed by the end of the field;
// anything else (`5" disk`, `"a" b`) is taken as it stands.
//
// Empty text is no table (`[]`); a lone line break is one empty cell (`[['']]`), so that copying a single
// empty cell and pasting it clears one cell, and `parseTable(toTsv(rows))` gives back `rows` for every
// rectangle of at least one column, the 1×1 empty one included.

/**
 * The table a paste of `text` (text/plain) gives, as rows of strings padded with '' to a rectangle.
 * Text with a tab is TSV. Text without one is CSV if every record then has the same number (> 1) of
 * fields, and otherwise one cell per line (quoted fields may still span lines). A trailing line break
 * is not an extra row.
 * @param {string} text
 * @returns {string[][]}
 */
export function parseTable(text) {
    if (!text.includes('\t')) {
        const csv = parseDelimited(text, ',');
        if (csv.length > 0 && csv[0].length > 1 && csv.every((row) => row.length === csv[0].length)) {
            return csv;
        }
    }
    return rectangle(parseDelimited(text, '\t'));
}

/**
 * The rows of a CSV file (RFC 4180: comma-separated, quoted fields, CRLF line ends; also LF line ends
 * and a UTF-8 byte order mark), padded with '' to a rectangle.
 * @param {string} text
 * @returns {string[][]}
 */
export function parseCsv(text) {
    return rectangle(parseDelimited(text.startsWith('\uFEFF') ? text.slice(1) : text, ','));
}

/**
 * Rows as TSV for text/plain, as spreadsheets write and read it: every row ends with a line break, and
 * a field with a tab, line break, CR or quote is quoted. In a table of one column a comma is quoted too,
 * or the text could read as CSV (`a,b` on every line) when pasted back.
 * @param {Array<Array<string|null|undefined>>} rows  null and undefined are written as empty fields
 * @returns {string}
 */
export function toTsv(rows) {
    const special = rows.every((row) => row.length <= 1) ? /[\t\n\r",]/ : /[\t\n\r"]/;
    return rows.map((row) => row.map((value) => {
        const text = value === null || value === undefined ? '' : String(value);
        return special.test(text) ? '"' + text.replaceAll('"', '""') + '"' : text;
    }).join('\t') + '\n').join('');
}

/**
 * Rows as an HTML table for text/html, which spreadsheets prefer when pasting. Every value is escaped;
 * a line break inside a value becomes a `<br>` that Excel keeps in the same cell.
 * @param {Array<Array<string|null|undefined>>} rows
 * @returns {string}
 */
export function toHtmlTable(rows) {
    const cell = (value) => '<td>' + escapeHtml(value === null || value === undefined ? '' : String(value))
        .replace(/\r\n|\n|\r/g, '<br style="mso-data-placement:same-cell">') + '</td>';
    return '<table>' + rows.map((row) => '<tr>' + row.map(cell).join('') + '</tr>').join('') + '</table>';
}

function escapeHtml(text) {
    return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** Rows padded with '' to the length of the longest. */
function rectangle(rows) {
    const width = Math.max(0, ...rows.map((row) => row.length));
    return rows.map((row) => row.length === width ? row : [...row, ...Array(width - row.length).fill('')]);
}

/**
 * Fields split by `delimiter`, records by \n or \r\n (a lone \r is text), with lenient quoting (see the
 * top of the file). A line break at the very end ends the last record instead of starting an empty one.
 */
function parseDelimited(text, delimiter) {
    const rows = [];
    if (text === '') {
        return rows;
    }
    let row = [];
    let start = 0;
    for (;;) {
        const close = text[start] === '"' ? closingQuote(text, start, delimiter) : -1;
        const end = close >= 0 ? close + 1 : fieldEnd(text, start, delimiter);
        row.push(close >= 0 ? text.slice(start + 1, close).replaceAll('""', '"') : text.slice(start, end));
        if (end === text.length) {
            rows.push(row);
            return rows;
        }
        if (text[end] === delimiter) {
            start = end + 1;
            continue;
        }
        rows.push(row);
        row = [];
        start = end + (text[end] === '\r' ? 2 : 1);
        if (start === text.length) {
            return rows;
        }
    }
}

/** Whether a line break (\n or \r\n) starts at `at`. */
function isLineBreak(text, at) {
    return text[at] === '\n' || (text[at] === '\r' && text[at + 1] === '\n');
}

/** The end of an unquoted field starting at `from`: the next delimiter, line break or the end. */
function fieldEnd(text, from, delimiter) {
    let at = from;
    while (at < text.length && text[at] !== delimiter && !isLineBreak(text, at)) {
        at++;
    }
    return at;
}

/**
 * The index of the quote that closes a quoted field opened at `open`, or -1 if the field is not quoted
 * after all: no closing quote, or one followed by something other than a delimiter, line break or the end.
 */
function closingQuote(text, open, delimiter) {
    let from = open + 1;
    for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) {
            return -1;
        }
        if (text[quote + 1] === '"') {
            from = quote + 2; // a doubled quote inside the field
            continue;
        }
        const after = quote + 1;
        return after === text.length || text[after] === delimiter || isLineBreak(text, after) ? quote : -1;
    }
}
