// The home page's logic without DOM or network: sheet names (the server's id rule, slugs, a free name),
// the listing (sorting, sizes, dates) and the words for the server's refusals. Runs in browsers and
// under `node --test` alike (src/test/js/home-model.test.mjs).
import { isValidId } from './livegrid.js';

/** The server's id rule, as it is explained to people (`isValidId` is the rule itself). */
export const ID_RULE = 'A name is 1-64 characters: letters A-Z and a-z, digits 0-9, "-" and "_" (no spaces).';
export const MAX_ID_LENGTH = 64;
/** Largest request body the server reads (HTTP-API.md: "any body over 1 MiB" is 413, a much larger one is not read at all). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Why `text` is not a sheet id, in words, or null when it is one. Says what is wrong rather than only
 * repeating the rule: the characters that are not allowed, or the length.
 */
export function idProblem(text) {
    if (isValidId(text)) {
        return null;
    }
    if (!text) {
        return 'Type a name for the sheet.';
    }
    const bad = [...new Set(Array.from(text).filter((c) => !/[A-Za-z0-9_-]/.test(c)))];
    if (bad.length > 0) {
        const shown = bad.slice(0, 5).map((c) => (c === ' ' ? 'spaces' : /\s|\p{C}/u.test(c)
            ? 'U+' + c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0') : '"' + c + '"'));
        return 'A name may not contain ' + shown.join(', ') + (bad.length > 5 ? ' (and more)' : '') + '.';
    }
    return 'A name is at most ' + MAX_ID_LENGTH + ' characters; this one has ' + text.length + '.';
}

/**
 * A valid id made from what someone typed or a file's name: accents dropped ("Caf\u00e9" -> "Cafe"), each run
 * of other characters made one "-" ("Q3 budget" -> "Q3-budget"), no "-" at either end, at most 64
 * characters. Null when nothing usable is left (e.g. only CJK characters or punctuation).
 */
export function slugFrom(text) {
    const slug = String(text ?? '')
        .normalize('NFKD').replace(/\p{M}/gu, '')   // an accented letter -> the letter + its accent -> the letter
        .replace(/[^A-Za-z0-9_-]+/g, '-')
        .replace(/-{2,}/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, MAX_ID_LENGTH)
        .replace(/-+$/, '');                         // the cut may end on a "-"
    return isValidId(slug) ? slug : null;
}

/** The sheet id a CSV file suggests: its name without the extension, as a slug ("Q3 budget.csv" -> "Q3-budget"). */
export function idFromFileName(fileName) {
    return slugFrom(String(fileName ?? '').replace(/\.[^.]*$/, ''));
}

/**
 * `base`, or `base-2`, `base-3`... : the first that is not in `taken` (ids the page knows exist), so a
 * suggested name does not lead straight into "already exists". Kept within 64 characters.
 */
export function freeId(base, taken) {
    if (!taken.has(base)) {
        return base;
    }
    for (let n = 2; ; n++) {
        const suffix = '-' + n;
        const candidate = base.slice(0, MAX_ID_LENGTH - suffix.length) + suffix;
        if (!taken.has(candidate)) {
            return candidate;
        }
    }
}

/**
 * The `GET /api/sheets` body as a list the page can trust: entries with a valid id and whole
 * non-negative counts only (anything else is dropped), newest change first, ties by id. An entry
 * whose `updated` is not a date goes last.
 */
export function sheetsFromListing(body) {
    const list = Array.isArray(body?.sheets) ? body.sheets : [];
    const count = (n) => Number.isSafeInteger(n) && n >= 0;
    return list
        .filter((s) => s && isValidId(s.id) && count(s.version) && count(s.rows) && count(s.columns))
        .map((s) => ({ id: s.id, version: s.version, rows: s.rows, columns: s.columns,
            updated: typeof s.updated === 'string' ? s.updated : null }))
        .sort(newestFirst);
}

function newestFirst(a, b) {
    const ta = timeOf(a.updated);
    const tb = timeOf(b.updated);
    const aKnown = !Number.isNaN(ta);
    const bKnown = !Number.isNaN(tb);
    if (aKnown !== bKnown) {
        return aKnown ? -1 : 1; // an unknown time goes last
    }
    if (aKnown && ta !== tb) {
        return tb - ta;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function timeOf(iso) {
    return iso ? Date.parse(iso) : NaN;
}

/**
 * "1 row x 1 column", "4 rows x 5 columns": a sheet's size in words. A no-break space joins each number
 * to its word, so a narrow column wraps at the "x" rather than between "4" and "rows".
 */
export function sizeText(rows, columns) {
    return plural(rows, 'row', '\u00a0') + ' \u00d7 ' + plural(columns, 'column', '\u00a0');
}

export function plural(n, word, space = ' ') {
    return n + space + word + (n === 1 ? '' : 's');
}

/**
 * A last-change time for people, as {date, time} in the reader's own time zone and language ("25 Nov
 * 2026", "09:41"), or null when the text is not a date. Two parts, so that a narrow column breaks
 * between them and nowhere else. `locale` and `timeZone` are for tests; the page leaves them to the browser.
 */
export function formatUpdated(iso, { locale, timeZone } = {}) {
    const time = timeOf(iso);
    if (Number.isNaN(time)) {
        return null;
    }
    const at = new Date(time);
    return {
        date: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone }).format(at),
        time: new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone }).format(at),
    };
}

/**
 * A fresh Idempotency-Key for one import attempt: "import-" and 24 random hex digits (an id the
 * server takes, [A-Za-z0-9_-]{1,64}). From crypto.getRandomValues, which browsers offer on plain
 * http too (crypto.randomUUID needs a secure context).
 */
export function newImportKey(randomBytes = (n) => crypto.getRandomValues(new Uint8Array(n))) {
    return 'import-' + Array.from(randomBytes(12), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Why an import was refused, in words for the form: `status` the HTTP status, `problem` the server's
 * problem body ({code, message}) or null. The server's message is kept whole: it names the record or
 * field that is wrong, or the limit.
 */
export function importRefusal(status, problem, id) {
    const said = problem?.message ? ': ' + problem.message : '';
    switch (status) {
    case 409:
        return problem?.code === 'not-empty'
            ? 'Sheet ' + id + ' already has data; choose another name (an import only fills a new or empty sheet).'
            : 'The import does not fit sheet ' + id + said + '.';
    case 400:
        return 'The file was refused' + said + '.';
    case 413:
        return 'The file is too large for a sheet' + said + '.';
    case 415:
        return 'The server did not take the file as CSV' + said + '.';
    case 403:
        return 'You may not import into sheet ' + id + said + '. An editor of the sheet, or someone allowed to create sheets, may.';
    case 404:
        return 'Sheet ' + id + ' cannot be created here' + said + '.';
    case 429:
        return 'Too many changes in a short time' + said + '. Try again in a moment: the same attempt is resent, never applied twice.';
    case 503:
        return 'The server could not finish the import in time' + said
            + '. Try again: the same attempt is resent, so the file is never imported twice.';
    default:
        return 'The import failed (HTTP ' + status + ')' + said + '.';
    }
}

/** Whether an answer leaves the attempt's outcome open, so a retry must resend it with the same key. */
export function isRetryable(status) {
    return status === 0 || status === 429 || status >= 500;
}
