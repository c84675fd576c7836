// The sheet as a file: "Export CSV" (GET api/sheets/{id}.csv, a plain link; signed in, fetched with the
// token and handed over as a download, since a link cannot carry a bearer token), and, while the sheet
// is empty (no columns, no rows), "Import CSV…": the chosen file POSTed to api/sheets/{id}/import as
// text/csv with an Idempotency-Key, so a retry never imports it twice (HTTP-API.md). The import reaches
// this page like any op, over the socket, as one version.

/** The server reads at most 1 MiB of a request body. */
const MAX_BODY = 1024 * 1024;

export class SheetFiles {
    #page;
    #link = document.getElementById('export-csv');
    #importButton = document.getElementById('import-csv');
    #input = document.getElementById('import-file');

    constructor(page) {
        this.#page = page;
        this.#link.href = 'api/sheets/' + encodeURIComponent(page.sheetId) + '.csv';
        this.#link.addEventListener('click', (event) => this.#onExport(event));
        this.#importButton.addEventListener('click', () => this.#input.click());
        this.#input.addEventListener('change', () => this.#onFile());
    }

    /** The import is offered only for an empty sheet and to someone who may change it. */
    render() {
        const { columns, rows } = this.#page.client;
        this.#importButton.hidden = !(columns.length === 0 && rows.length === 0 && this.#page.canChange());
    }

    async #onExport(event) {
        const page = this.#page;
        if (!page.client.token) {
            return; // the link downloads it
        }
        event.preventDefault();
        try {
            const response = await page.api(this.#link.getAttribute('href'));
            if (!response.ok) {
                throw new Error((await response.json().catch(() => ({}))).message || 'HTTP ' + response.status);
            }
            const url = URL.createObjectURL(await response.blob());
            const download = document.createElement('a');
            download.href = url;
            download.download = page.sheetId + '.csv';
            download.hidden = true;
            document.body.append(download);
            download.click();
            download.remove();
            setTimeout(() => URL.revokeObjectURL(url), 60000);
        } catch (e) {
            page.log('error', 'Could not export the sheet: ' + e.message);
        }
    }

    async #onFile() {
        const page = this.#page;
        const file = this.#input.files[0];
        this.#input.value = ''; // the same file may be chosen again after a failure
        if (!file) {
            return;
        }
        if (file.size > MAX_BODY) {
            const why = file.name + ' is ' + (file.size / 1024 / 1024).toFixed(1) + ' MiB; the server takes files of at most 1 MiB.';
            page.log('rejected', 'Not imported: ' + why);
            page.announce('Not imported: ' + why);
            return;
        }
        page.announce('Importing ' + file.name + '…');
        const key = 'import-' + Array.from(crypto.getRandomValues(new Uint8Array(9)), (b) => (b % 36).toString(36)).join('');
        try {
            const response = await page.api('api/sheets/' + encodeURIComponent(page.sheetId) + '/import', {
                method: 'POST', body: file, headers: { 'Content-Type': 'text/csv', 'Idempotency-Key': key },
            });
            const body = await response.json().catch(() => ({}));
            if (!response.ok) {
                throw new Error(body.message || 'HTTP ' + response.status);
            }
            const text = 'Imported ' + file.name + ': ' + body.rows + ' row' + (body.rows === 1 ? '' : 's') + ' and '
                + body.columns + ' column' + (body.columns === 1 ? '' : 's') + ' at version ' + body.version + '.';
            page.log('info', text);
            page.announce(text);
        } catch (e) {
            page.log('rejected', 'Not imported: ' + e.message);
            page.announce('Not imported: ' + e.message);
        }
    }
}
