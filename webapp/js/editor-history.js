// The History panel: the values the active cell has had (GET api/sheets/{id}/history?row=&col=), newest
// first, with who wrote each and when. It follows the active cell while open; Escape or Close shuts it
// and gives the focus back to the grid. The answer covers the sheet's retained log (HTTP-API.md).

export class HistoryPanel {
    #page;
    #panel = document.getElementById('history-panel');
    #button = document.getElementById('history');
    #shown = null; // "row col" of the cell shown
    #asked = 0; // the newest request: an older answer arriving late is dropped
    #following = null; // the timer of follow()

    constructor(page) {
        this.#page = page;
        this.#button.addEventListener('click', () => (this.#panel.hidden ? this.open() : this.close()));
        document.getElementById('history-close').addEventListener('click', () => this.close());
        this.#panel.addEventListener('keydown', (event) => {
            if (event.key === 'Escape') {
                event.preventDefault();
                this.close();
            }
        });
    }

    get isOpen() {
        return !this.#panel.hidden;
    }

    open() {
        const active = this.#page.selection.active;
        if (!active?.row) {
            this.#page.announce('Select a cell first: the history is a cell\'s.');
            return;
        }
        this.#panel.hidden = false;
        this.#button.setAttribute('aria-expanded', 'true');
        this.#load(active.row, active.col);
        document.getElementById('history-title').focus();
    }

    close() {
        if (this.#panel.hidden) {
            return;
        }
        this.#panel.hidden = true;
        this.#shown = null;
        this.#button.setAttribute('aria-expanded', 'false');
        this.#page.view.focusActive();
    }

    /** The active cell changed: an open panel shows the new one's history (once the arrows rest a moment). */
    follow() {
        clearTimeout(this.#following);
        this.#following = setTimeout(() => {
            const active = this.#page.selection.active;
            if (this.isOpen && active?.row && active.row + ' ' + active.col !== this.#shown) {
                this.#load(active.row, active.col);
            }
        }, 150);
    }

    /** The shown cell was written again: its history is asked for again. */
    refreshIfShowing(row, col) {
        if (this.isOpen && this.#shown === row + ' ' + col) {
            this.#load(row, col);
        }
    }

    async #load(row, col) {
        const page = this.#page;
        this.#shown = row + ' ' + col;
        const asked = ++this.#asked;
        document.getElementById('history-title').textContent = 'History of ' + page.cellLabel(row, col);
        const status = document.getElementById('history-status');
        status.textContent = 'Loading…';
        const list = document.getElementById('history-list');
        let entries;
        try {
            const response = await page.api('api/sheets/' + encodeURIComponent(page.sheetId) + '/history?row='
                + encodeURIComponent(row) + '&col=' + encodeURIComponent(col));
            const body = await response.json();
            if (!response.ok) {
                throw new Error(body.message || 'HTTP ' + response.status);
            }
            entries = body.history;
        } catch (e) {
            if (asked === this.#asked) {
                status.textContent = 'Could not load the history: ' + e.message;
                list.replaceChildren();
            }
            return;
        }
        if (asked !== this.#asked) {
            return;
        }
        status.textContent = entries.length === 0
            ? 'No changes of this cell in the sheet\'s log (older ones are compacted away).'
            : entries.length + ' change' + (entries.length === 1 ? '' : 's') + ', newest first.';
        list.replaceChildren(...[...entries].reverse().map((entry) => {
            const tr = document.createElement('tr');
            const cells = [
                String(entry.version),
                entry.value === null ? '(emptied)' : entry.value,
                page.userName(entry.by, entry.by),
                when(entry.at),
            ];
            tr.append(...cells.map((text, index) => {
                const td = document.createElement(index === 0 ? 'th' : 'td');
                if (index === 0) {
                    td.scope = 'row';
                }
                td.textContent = text;
                return td;
            }));
            return tr;
        }));
    }
}

/** A time of today as the time alone, an older one with its date. */
function when(at) {
    const date = new Date(at);
    return date.toDateString() === new Date().toDateString() ? date.toLocaleTimeString() : date.toLocaleString();
}
