// The home page (`/` without `?sheet=`): the sheets the user may open, with their size and last change,
// a form to create a sheet by name, one to import a CSV file as a new sheet, and per sheet an export
// link and a Delete button. Built inside <div id="home"> from data the server sends; every piece of it
// (ids, messages) reaches the DOM as text: textContent, setAttribute, dataset - never as markup.
//
// Signed in (auth=token): the token comes from `#token=...` (taken out of the address bar) or the tab's
// sessionStorage (page-token.js), goes with every request as `Authorization: Bearer`, and nowhere else:
// links to sheets carry no token, the sheet page finds it in the same tab's sessionStorage. A 401 is
// explained as the sheet page explains it (sign-in, expired, token-refused).
//
// Test hooks:
//   #home[data-state]            loading | ready | empty | error | sign-in
//   #sheets-section, #create-section, #import-section: the three panels (hidden while sign-in is needed);
//     #sheets-title gets the focus after a delete removed the focused row
//   #home-identity, #home-user   "Signed in as ..." (token's name, else sub); hidden without a token
//   #home-notice[data-reason]    sign-in | expired | token-refused (#home-notice-title, -text, -hint)
//   #home-status[data-kind]      role=status: outcome of a delete or export (ok | error | busy)
//   #sheets-message[data-kind]   role=status: loading | empty | error; #sheets-retry, #sheets-refresh
//   #sheets (table), #sheets-caption, #sheets-body tr[data-sheet][data-rows][data-columns][data-version][data-updated]
//     with a.sheet-link (href ?sheet=ID), td.sheet-size, td.sheet-version,
//     time.sheet-updated[datetime], a.sheet-export[download], button.sheet-delete[data-sheet]
//   #demo-offer (a.sheet-link to demo, shown when demo is not listed)
//   #create-form, #create-id[aria-invalid], #create-submit,
//     #create-message[data-kind] (invalid | exists | no-access | opening | error), #create-action with
//     button#create-suggestion[data-id] or a#create-open
//   #import-form, #import-file, #import-id, #import-submit,
//     #import-message[data-kind][data-code] (invalid | busy | done | refused | error; data-code the
//     server's problem code), #import-action with button#import-suggestion[data-id] or a#import-open
import { hasExpired, signInAddress, tokenClaims } from './access.js';
import { storedToken, takeTokenFromAddress } from './page-token.js';
import { createApi, csvPath, sheetHref } from './home-api.js';
import {
    freeId, formatUpdated, ID_RULE, idFromFileName, idProblem, importRefusal, isRetryable, MAX_BODY_BYTES,
    newImportKey, plural, sheetsFromListing, sizeText, slugFrom,
} from './home-model.js';

/** The sheet every server has (it comes back on first use), offered even when the listing lacks it. */
const DEMO = 'demo';

let token = takeTokenFromAddress() ?? storedToken();
const api = createApi({ base: document.baseURI, token: () => token });
const home = document.getElementById('home');

const view = {
    sheets: [],          // the last listing, newest change first
    loads: 0,            // number of the newest listing request: an older answer arriving late is dropped
    importAttempt: null, // {key, file, id}: a retry of the same file into the same id resends the same key
};

// ---------------------------------------------------------------- building

/** An element with attributes (true: present, false/null: absent) and children (strings become text nodes). */
function h(tag, attributes = {}, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
        if (value === true) {
            element.setAttribute(name, '');
        } else if (value !== false && value !== null && value !== undefined) {
            element.setAttribute(name, String(value));
        }
    }
    element.append(...children.filter((child) => child !== null && child !== undefined));
    return element;
}

/** Text for screen readers only, e.g. which sheet a "Delete" button deletes. */
function hiddenText(text) {
    return h('span', { class: 'visually-hidden' }, text);
}

function idInput(id, describedBy) {
    return h('input', {
        id, name: id, type: 'text', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false',
        'aria-describedby': describedBy,
    });
}

function build() {
    home.replaceChildren(
        h('header', { class: 'home-top' },
            h('h1', {}, 'LiveGrid'),
            h('p', { id: 'home-identity', class: 'home-identity', hidden: true }, 'Signed in as ', h('strong', { id: 'home-user' })),
            h('nav', { 'aria-label': 'Other pages' }, h('a', { href: 'echo.html' }, 'Echo test page'))),
        h('main', { id: 'home-main', class: 'home-main' },
            h('section', { id: 'home-notice', class: 'home-notice', role: 'alert', 'aria-labelledby': 'home-notice-title', hidden: true },
                h('h2', { id: 'home-notice-title' }),
                h('p', { id: 'home-notice-text' }),
                h('p', { id: 'home-notice-hint' })),
            h('section', { id: 'sheets-section', class: 'panel sheets-panel', 'aria-labelledby': 'sheets-title' },
                h('div', { class: 'panel-head' },
                    h('h2', { id: 'sheets-title', tabindex: '-1' }, 'Sheets'),
                    h('button', { type: 'button', id: 'sheets-refresh', class: 'quiet' }, 'Refresh')),
                h('p', { id: 'home-status', class: 'home-status', role: 'status' }),
                h('p', { id: 'sheets-message', class: 'sheets-message', role: 'status' }),
                h('button', { type: 'button', id: 'sheets-retry', hidden: true }, 'Try again'),
                h('table', { id: 'sheets', class: 'sheets', hidden: true },
                    h('caption', { id: 'sheets-caption' }),
                    h('thead', {}, h('tr', {},
                        ...['Sheet', 'Size', 'Version', 'Last change', 'Actions'].map((name) => h('th', { scope: 'col' }, name)))),
                    h('tbody', { id: 'sheets-body' })),
                h('p', { id: 'demo-offer', class: 'demo-offer', hidden: true },
                    'The ', h('a', { class: 'sheet-link', href: sheetHref(DEMO) }, DEMO),
                    ' sheet is always there to try things out.')),
            h('div', { class: 'home-forms' },
                h('section', { id: 'create-section', class: 'panel', 'aria-labelledby': 'create-title' },
                    h('h2', { id: 'create-title' }, 'New sheet'),
                    h('form', { id: 'create-form', novalidate: true },
                        h('label', { for: 'create-id' }, 'Name'),
                        h('div', { class: 'field-row' },
                            idInput('create-id', 'create-message create-rule'),
                            h('button', { type: 'submit', id: 'create-submit', class: 'primary' }, 'Create and open')),
                        h('p', { id: 'create-message', class: 'form-message', role: 'status' }),
                        h('p', { id: 'create-action', class: 'form-action', hidden: true }),
                        h('p', { id: 'create-rule', class: 'hint' }, ID_RULE, ' Opening a new name creates the sheet.'))),
                h('section', { id: 'import-section', class: 'panel', 'aria-labelledby': 'import-title' },
                    h('h2', { id: 'import-title' }, 'Import a CSV file'),
                    h('form', { id: 'import-form', novalidate: true },
                        h('label', { for: 'import-file' }, 'CSV file'),
                        h('input', { id: 'import-file', name: 'import-file', type: 'file', accept: '.csv,text/csv',
                            'aria-describedby': 'import-rule' }),
                        h('label', { for: 'import-id' }, 'Sheet name'),
                        h('div', { class: 'field-row' },
                            idInput('import-id', 'import-message'),
                            h('button', { type: 'submit', id: 'import-submit', class: 'primary' }, 'Import and open')),
                        h('p', { id: 'import-message', class: 'form-message', role: 'status' }),
                        h('p', { id: 'import-action', class: 'form-action', hidden: true }),
                        h('p', { id: 'import-rule', class: 'hint' }, 'UTF-8, comma-separated, at most 1 MiB. The first line names '
                            + 'the columns, each further line is a row. The file becomes a new sheet (or fills an empty one).'))))));
}

function $(id) {
    return document.getElementById(id);
}

// ---------------------------------------------------------------- the list

async function loadSheets() {
    const load = ++view.loads;
    if (home.dataset.state !== 'ready' && home.dataset.state !== 'empty') {
        setState('loading');
        sheetsMessage('loading', 'Loading sheets\u2026');
    }
    // Disabled rather than hidden while the request runs, so a button that was clicked keeps the focus.
    $('sheets-refresh').disabled = true;
    $('sheets-retry').disabled = true;
    const answer = await api.list();
    if (load !== view.loads) {
        return; // a newer request was sent meanwhile
    }
    $('sheets-refresh').disabled = false;
    $('sheets-retry').disabled = false;
    if (answer.status === 200) {
        hideNotice();
        view.sheets = sheetsFromListing(answer.body);
        renderSheets();
        renderIdentity();
    } else if (answer.status === 401) {
        notSignedIn(answer);
    } else {
        setState('error');
        sheetsMessage('error', answer.status === 0
            ? 'Cannot reach the LiveGrid server. Check that it is running and that this computer is online, then try again.'
            : answer.status === 503
                ? 'The server cannot list the sheets right now' + said(answer) + '. Try again in a moment.'
                : 'The server could not list the sheets (HTTP ' + answer.status + ')' + said(answer) + '.');
        $('sheets-retry').hidden = false;
        $('demo-offer').hidden = true; // with the server unreachable or failing, demo would not open either
    }
}

/** The table from view.sheets; the empty state when there are none. */
function renderSheets() {
    const sheets = view.sheets;
    setState(sheets.length > 0 ? 'ready' : 'empty');
    sheetsMessage(sheets.length > 0 ? null : 'empty', sheets.length > 0 ? ''
        : 'No sheets yet \u2014 create one below, or import a CSV file.');
    $('sheets-retry').hidden = true;
    $('sheets').hidden = sheets.length === 0;
    $('sheets-caption').textContent = (token ? plural(sheets.length, 'sheet') + ' you may open'
        : plural(sheets.length, 'sheet')) + ', most recently changed first';
    $('sheets-body').replaceChildren(...sheets.map(sheetRow));
    $('demo-offer').hidden = sheets.some((sheet) => sheet.id === DEMO);
}

function sheetRow(sheet) {
    const { id, rows, columns, version, updated } = sheet;
    return h('tr', { 'data-sheet': id, 'data-rows': rows, 'data-columns': columns, 'data-version': version,
        'data-updated': updated },
    h('th', { scope: 'row', class: 'sheet-id' }, h('a', { class: 'sheet-link', href: sheetHref(id) }, id)),
    // data-label: the column's name, shown before the value where narrow screens stack the cells.
    h('td', { class: 'sheet-size', 'data-label': 'Size' }, sizeText(rows, columns)),
    h('td', { class: 'sheet-version', 'data-label': 'Version' }, String(version)),
    h('td', { class: 'sheet-updated-cell', 'data-label': 'Last change' }, updatedTime(updated)),
    // The div, not the cell, is the flex box: a td with display:flex loses its table semantics in some browsers.
    h('td', { class: 'sheet-actions' }, h('div', {},
        h('a', { class: 'sheet-export', href: csvPath(id), download: id + '.csv' }, 'Export CSV', hiddenText(' of ' + id)),
        h('button', { type: 'button', class: 'sheet-delete danger quiet', 'data-sheet': id }, 'Delete', hiddenText(' ' + id)))));
}

/** `<time datetime="ISO">25 Nov 2026 09:41</time>` in the reader's zone; a dash when the server gave no date. */
function updatedTime(iso) {
    const shown = formatUpdated(iso);
    if (!shown) {
        return iso ?? '\u2014';
    }
    return h('time', { class: 'sheet-updated', datetime: iso, title: iso },
        h('span', {}, shown.date), ' ', h('span', {}, shown.time));
}

function setState(state) {
    home.dataset.state = state;
    const signIn = state === 'sign-in';
    $('sheets-section').hidden = signIn;
    home.querySelector('.home-forms').hidden = signIn;
}

function sheetsMessage(kind, text) {
    const message = $('sheets-message');
    message.textContent = text;
    if (kind) {
        message.dataset.kind = kind;
    } else {
        delete message.dataset.kind;
    }
}

/** The outcome of an action on the list, announced politely. */
function status(kind, text) {
    const element = $('home-status');
    element.dataset.kind = kind;
    element.textContent = text;
}

/** ": the server's message" when the answer has one, else nothing. */
function said(answer) {
    return answer.problem?.message ? ': ' + answer.problem.message : '';
}

// ---------------------------------------------------------------- delete and export

async function deleteSheet(button) {
    const id = button.dataset.sheet;
    const sheet = view.sheets.find((s) => s.id === id);
    const size = sheet ? ' (' + sizeText(sheet.rows, sheet.columns) + ', version ' + sheet.version + ')' : '';
    // confirm() names the sheet and its size: a Delete button next to many others is easy to hit by mistake.
    if (!window.confirm('Delete sheet "' + id + '"' + size + '?\n\nEveryone who has it open is disconnected, '
        + 'and its data and history are gone for good.')) {
        return;
    }
    button.disabled = true;
    status('busy', 'Deleting sheet ' + id + '\u2026');
    const answer = await api.remove(id);
    button.disabled = false;
    if (answer.status === 204 || answer.status === 404) {
        dropSheet(id);
        status('ok', answer.status === 204 ? 'Deleted sheet ' + id + '.' : 'Sheet ' + id + ' was already gone.');
    } else if (answer.status === 401) {
        notSignedIn(answer);
    } else if (answer.status === 403) {
        // Signed in, the listing does not say who owns what: the server is asked, and its no explained.
        status('error', 'You may not delete sheet ' + id + said(answer) + '. Only an owner of the sheet (or an admin) may.');
    } else if (answer.status === 503) {
        status('error', 'Sheet ' + id + ' is not deleted yet' + said(answer)
            + '. A delete that has begun finishes by itself: delete it again in a moment to confirm.');
    } else {
        status('error', answer.status === 0 ? 'Cannot reach the server: sheet ' + id + ' may not be deleted. Try again.'
            : 'Sheet ' + id + ' was not deleted (HTTP ' + answer.status + ')' + said(answer) + '.');
    }
}

function dropSheet(id) {
    view.sheets = view.sheets.filter((sheet) => sheet.id !== id);
    renderSheets();
    $('sheets-title').focus(); // the button that had focus is gone: back to the top of the list
}

/**
 * Signed in, a plain link cannot send the token, so the export is fetched with it and handed to the
 * browser as a file. Without a token the link's own download is used.
 */
async function exportSheet(link, event) {
    if (!token) {
        return;
    }
    event.preventDefault();
    const id = link.closest('tr').dataset.sheet;
    status('busy', 'Exporting sheet ' + id + '\u2026');
    const answer = await api.csv(id);
    if (answer.status !== 200) {
        if (answer.status === 401) {
            notSignedIn(answer);
        } else {
            status('error', answer.status === 0 ? 'Cannot reach the server to export sheet ' + id + '.'
                : 'Sheet ' + id + ' was not exported (HTTP ' + answer.status + ')' + said(answer) + '.');
        }
        return;
    }
    const url = URL.createObjectURL(answer.body);
    const download = h('a', { href: url, download: id + '.csv', hidden: true });
    document.body.append(download);
    download.click();
    download.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000); // the download has taken its copy long before
    status('ok', 'Exported sheet ' + id + ' as ' + id + '.csv.');
}

// ---------------------------------------------------------------- names: create and import

/**
 * Explains, under an id field, why what it holds is not a valid name, and offers a slug of it; clears
 * an earlier explanation once it is valid. `prefix` names the form's elements (create, import).
 * Returns whether the id is valid. An empty field is only explained when `submitting`.
 */
function explainId(prefix, submitting) {
    const input = $(prefix + '-id');
    const id = input.value.trim();
    const problem = idProblem(id);
    input.setAttribute('aria-invalid', String(problem !== null && (submitting || id !== '')));
    const message = $(prefix + '-message');
    if (problem === null || (!submitting && id === '')) {
        // What was said about another name (invalid, exists, refused) no longer applies; work under way stays.
        if (!['busy', 'opening', 'done'].includes(message.dataset.kind)) {
            formMessage(prefix, null, '');
        }
        return problem === null;
    }
    const slug = slugFrom(id);
    // The create form shows the rule under its field already; the import form has no room for it.
    const text = id === '' ? problem : '\u201c' + id + '\u201d is not a valid name. ' + problem
        + (prefix === 'import' ? ' ' + ID_RULE : '');
    // The suggestion sits outside the live region: announcing it at each keystroke would be noise.
    formMessage(prefix, 'invalid', text, slug && slug !== id
        ? h('button', { type: 'button', id: prefix + '-suggestion', class: 'quiet', 'data-id': slug }, 'Use ' + slug)
        : null);
    return false;
}

/** The message under a form (`kind` its data-kind, null to clear) and an optional button or link after it. */
function formMessage(prefix, kind, text, action = null, code = null) {
    const message = $(prefix + '-message');
    if (message.textContent !== text) {
        message.textContent = text; // unchanged text is not rewritten: a live region would say it again
    }
    setData(message, 'kind', kind);
    setData(message, 'code', code);
    const actionElement = $(prefix + '-action');
    actionElement.replaceChildren(...(action ? [action] : []));
    actionElement.hidden = !action;
}

function setData(element, name, value) {
    if (value) {
        element.dataset[name] = value;
    } else {
        delete element.dataset[name];
    }
}

function openLink(prefix, id) {
    return h('a', { id: prefix + '-open', class: 'sheet-link', href: sheetHref(id) }, 'Open ' + id);
}

function useSuggestion(prefix, button) {
    const input = $(prefix + '-id');
    input.value = button.dataset.id;
    if (prefix === 'import') {
        input.dataset.edited = 'true';
    }
    explainId(prefix, false);
    input.focus();
}

async function createSheet(event) {
    event.preventDefault();
    const input = $('create-id');
    if (!explainId('create', true)) {
        input.focus();
        return;
    }
    const id = input.value.trim();
    if (id === DEMO || view.sheets.some((sheet) => sheet.id === id)) {
        formMessage('create', 'exists', 'A sheet named ' + id + ' already exists.', openLink('create', id));
        return;
    }
    // Someone may have created it since the list was loaded, or it may be one this user cannot see.
    $('create-submit').disabled = true;
    const answer = await api.probe(id);
    $('create-submit').disabled = false;
    if (answer.status === 404) {
        formMessage('create', 'opening', 'Opening the new sheet ' + id + '\u2026');
        window.location.assign(sheetHref(id)); // joining the sheet creates it
    } else if (answer.status === 200) {
        formMessage('create', 'exists', 'A sheet named ' + id + ' already exists.', openLink('create', id));
    } else if (answer.status === 403) {
        formMessage('create', 'no-access', 'A sheet named ' + id + ' already exists, but you have no access to it. '
            + 'Choose another name.');
    } else if (answer.status === 401) {
        notSignedIn(answer);
    } else {
        formMessage('create', 'error', answer.status === 0 ? 'Cannot reach the server. Try again.'
            : 'The server could not check the name (HTTP ' + answer.status + ')' + said(answer) + '. Try again.');
    }
}

/** A file was chosen: its name, as a slug not yet taken, becomes the sheet name unless one was typed. */
function fileChosen() {
    const file = $('import-file').files[0];
    const input = $('import-id');
    if (file && !input.dataset.edited) {
        const taken = new Set([DEMO, ...view.sheets.map((sheet) => sheet.id)]);
        input.value = freeId(idFromFileName(file.name) ?? 'imported', taken);
    }
    formMessage('import', null, ''); // what was said was about another file
    if (file && file.size > MAX_BODY_BYTES) {
        formMessage('import', 'invalid', tooLarge(file));
    } else {
        explainId('import', false);
    }
}

function tooLarge(file) {
    return file.name + ' is ' + (file.size / MAX_BODY_BYTES).toFixed(1) + ' MiB; the server takes files of up to 1 MiB.';
}

async function importCsv(event) {
    event.preventDefault();
    const fileInput = $('import-file');
    const file = fileInput.files[0];
    if (!file) {
        formMessage('import', 'invalid', 'Choose a CSV file first.');
        fileInput.focus();
        return;
    }
    if (!explainId('import', true)) {
        $('import-id').focus();
        return;
    }
    if (file.size > MAX_BODY_BYTES) { // the server would refuse it, and one far larger it would not even read
        formMessage('import', 'invalid', tooLarge(file));
        return;
    }
    const id = $('import-id').value.trim();
    // One attempt is one file into one id: sending it again (after a lost answer, a 503) reuses its key,
    // so the server answers as it did the first time instead of importing twice.
    let attempt = view.importAttempt;
    if (!attempt || attempt.file !== file || attempt.id !== id) {
        attempt = view.importAttempt = { key: newImportKey(), file, id };
    }
    $('import-submit').disabled = true;
    formMessage('import', 'busy', 'Importing ' + file.name + ' into sheet ' + id + '\u2026');
    let text;
    try {
        text = await file.text();
    } catch (e) {
        $('import-submit').disabled = false;
        formMessage('import', 'error', file.name + ' could not be read: ' + e.message + ' Choose it again.');
        return;
    }
    const answer = await api.importCsv(id, text, attempt.key);
    $('import-submit').disabled = false;
    if (answer.status === 200 || answer.status === 201) {
        view.importAttempt = null;
        const { rows, columns } = answer.body ?? {};
        formMessage('import', 'done', 'Imported ' + (Number.isInteger(rows) ? sizeText(rows, columns) + ' ' : '')
            + 'into sheet ' + id + '; opening it\u2026');
        window.location.assign(sheetHref(id));
    } else if (answer.status === 401) {
        notSignedIn(answer);
    } else if (answer.status === 0) {
        formMessage('import', 'error', 'Cannot reach the server, so whether the file arrived is unknown. '
            + 'Try again: the same attempt is resent, never imported twice.');
    } else {
        const code = answer.problem?.code ?? null;
        formMessage('import', isRetryable(answer.status) ? 'error' : 'refused', importRefusal(answer.status, answer.problem, id),
            code === 'not-empty' ? openLink('import', id) : null, code);
    }
}

// ---------------------------------------------------------------- signed in

/** Who the token says the user is; nothing with auth none (no token). */
function renderIdentity() {
    const claims = tokenClaims(token);
    const name = claims?.name || claims?.sub || '';
    $('home-identity').hidden = !token || !name || home.dataset.state === 'sign-in';
    $('home-user').textContent = name;
}

/** An answer 401: no token, an expired one, or one the server refused. Worded as on the sheet page. */
function notSignedIn(answer) {
    setState('sign-in');
    renderIdentity();
    const address = { code: signInAddress(window.location) };
    const fresh = ['Get a fresh token and add it to this page\'s address as ', { code: '#token=\u2026' }, ', or open ', address, '.'];
    if (!token) {
        showNotice('sign-in', 'Sign-in required',
            'This LiveGrid server shows sheets only to signed-in users, and this page was opened without an access token.',
            ['Open the page with your access token after ', { code: '#token=' }, ' in its address: ', address,
                '. Whoever runs this LiveGrid server issues tokens. '
                + 'The page keeps the token for this tab only and takes it out of the address bar.']);
    } else if (hasExpired(tokenClaims(token))) {
        showNotice('expired', 'Your session has expired', 'The access token this page has is no longer valid.', fresh);
    } else {
        showNotice('token-refused', 'Your access token was refused', answer.problem?.message ?? 'The server did not accept it.', fresh);
    }
}

/** `hint` is a list of strings and {code} parts; every part is text. */
function showNotice(reason, title, text, hint) {
    const notice = $('home-notice');
    notice.dataset.reason = reason;
    $('home-notice-title').textContent = title;
    $('home-notice-text').textContent = text;
    $('home-notice-hint').replaceChildren(...hint.map((part) => (typeof part === 'string' ? part : h('code', {}, part.code))));
    notice.hidden = false;
}

function hideNotice() {
    const notice = $('home-notice');
    notice.hidden = true;
    delete notice.dataset.reason;
}

/** A fresh `#token=...` pasted into the open page's address: use it and list again. */
function onAddressChange() {
    const fresh = takeTokenFromAddress();
    if (fresh) {
        token = fresh;
        renderIdentity();
        loadSheets();
    }
}

// ---------------------------------------------------------------- start

function start() {
    build();
    renderIdentity();
    $('sheets-refresh').addEventListener('click', loadSheets);
    $('sheets-retry').addEventListener('click', loadSheets);
    $('sheets-body').addEventListener('click', (event) => {
        const target = event.target instanceof Element ? event.target : null;
        const button = target?.closest('button.sheet-delete');
        const link = target?.closest('a.sheet-export');
        if (button) {
            deleteSheet(button);
        } else if (link) {
            exportSheet(link, event);
        }
    });
    $('create-form').addEventListener('submit', createSheet);
    $('create-id').addEventListener('input', () => explainId('create', false));
    $('import-form').addEventListener('submit', importCsv);
    $('import-file').addEventListener('change', fileChosen);
    $('import-id').addEventListener('input', () => {
        const input = $('import-id');
        setData(input, 'edited', input.value ? 'true' : null); // typed by hand: a file chosen later keeps it
        explainId('import', false);
    });
    for (const prefix of ['create', 'import']) {
        $(prefix + '-action').addEventListener('click', (event) => {
            const suggestion = event.target instanceof Element ? event.target.closest('button[data-id]') : null;
            if (suggestion) {
                useSuggestion(prefix, suggestion);
            }
        });
    }
    window.addEventListener('hashchange', onAddressChange);
    // Back from a sheet (the page restored from the back/forward cache): its list may be out of date.
    window.addEventListener('pageshow', (event) => {
        if (event.persisted) {
            loadSheets();
        }
    });
    loadSheets();
}

start();
