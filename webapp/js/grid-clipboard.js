// Copy, cut, paste and clear of the grid's selection, through the document's own clipboard events, so
// that Ctrl/Cmd+C, X and V (and the browser's menu) work as in any spreadsheet, and between them.
//
// Copy puts the range on the clipboard as text/plain TSV and text/html (table-text.js), which
// spreadsheets read. A paste is ONE `batch` op (range.js pasteOps): it applies whole, everyone sees it
// at one version, one undo takes it back, and every cell it overwrites carries a `base`, so a value
// someone wrote since the user looked is never overwritten unseen (the whole paste is refused instead).
// Rows missing below the sheet are added in the same batch, and columns too once the user agrees. An
// op the server would refuse for its size is explained instead of sent. Clearing (Delete, Backspace,
// cut) is one batch as well, of the cells that have a value.
import { cellsOf, cellRange, pasteOps, pasteTarget } from './range.js';
import { parseTable, toHtmlTable, toTsv } from './table-text.js';
import { clearOp, sizeProblem } from './grid-ops.js';

export class Clipboard {
    #page;

    constructor(page) {
        this.#page = page;
        document.addEventListener('copy', (event) => this.#onCopy(event, false));
        document.addEventListener('cut', (event) => this.#onCopy(event, true));
        document.addEventListener('paste', (event) => this.#onPaste(event));
    }

    /** The selection, or the active cell alone, as a range; null if there is no cell. */
    #range() {
        const { range, active } = this.#page.selection;
        return range ?? (active?.row ? cellRange(active.row, active.col) : null);
    }

    /** Clipboard events count when the focus is on the grid itself, not in an editor or elsewhere. */
    #forGrid(event) {
        const target = event.target instanceof Element ? event.target : null;
        return target !== null && target.closest('#grid') !== null && !target.closest('.cell-editor');
    }

    #onCopy(event, cut) {
        const page = this.#page;
        const range = this.#range();
        const box = range && page.selection.box();
        if (!this.#forGrid(event) || !box) {
            return;
        }
        const { rowIds, colIds } = page.view;
        const values = rowIds.slice(box.top, box.bottom + 1)
            .map((row) => colIds.slice(box.left, box.right + 1).map((col) => page.view.shownValue(row, col)));
        event.clipboardData.setData('text/plain', toTsv(values));
        event.clipboardData.setData('text/html', toHtmlTable(values));
        event.preventDefault();
        const size = values.length + ' × ' + values[0].length;
        if (!cut) {
            page.announce('Copied ' + size + ' cells.');
        } else if (page.canChange()) {
            page.announce('Cut ' + size + ' cells.');
            this.clearSelection();
        } else {
            page.explainReadOnly('Copied the cells; cutting would change the sheet, which your role does not allow.');
        }
    }

    #onPaste(event) {
        if (!this.#forGrid(event)) {
            return;
        }
        event.preventDefault();
        this.pasteText(event.clipboardData?.getData('text/plain') ?? '');
    }

    /** Pastes text (TSV, CSV or lines, as spreadsheets put it on the clipboard) at the selection, as one op. */
    pasteText(text) {
        const page = this.#page;
        if (!page.canChange()) {
            page.explainReadOnly();
            return;
        }
        let block = parseTable(text);
        if (block.length === 0 || block[0].length === 0) {
            page.announce('Nothing to paste: the clipboard holds no text.');
            return;
        }
        const state = page.client.state;
        const range = this.#range();
        const { rowIds, colIds } = page.view;
        let target = pasteTarget(range, block.length, block[0].length, rowIds, colIds);
        if (!target) {
            return;
        }
        if (target.addColumns > 0) {
            const n = target.addColumns;
            const agreed = window.confirm('The pasted cells are ' + n + ' column' + plural(n) + ' wider than the sheet. Add '
                + n + ' column' + plural(n) + '?');
            if (!agreed) { // clipped to the columns there are
                block = block.map((row) => row.slice(0, Math.max(0, colIds.length - target.left)));
                if (block[0].length === 0) {
                    page.announce('Nothing pasted: no column left to paste into.');
                    return;
                }
                target = pasteTarget(range, block.length, block[0].length, rowIds, colIds);
            }
        }
        const op = pasteOps(state, range, block);
        if (!op) {
            page.announce('Nothing to change: the cells already hold these values.');
            return;
        }
        // A cell with a write of this user still on its way has no base to give: theirs would lose to it.
        for (const sub of op.ops) {
            if (sub.type === 'edit' && 'base' in sub && page.client.baseFor(sub.row, sub.col) === undefined) {
                delete sub.base;
            }
        }
        const problem = sizeProblem(op, 'This paste');
        if (problem) {
            page.log('rejected', problem);
            page.announce(problem);
            return;
        }
        const id = page.client.batch(op.ops);
        const size = target.height + ' × ' + target.width;
        const lastRow = target.rows.at(-1);
        const lastCol = target.cols.at(-1);
        const first = target.rows.length > 0 && target.cols.length > 0 ? { row: target.rows[0], col: target.cols[0] } : null;
        if (first) { // the pasted block, as far as it exists yet
            page.selection.select(first, { anchor: first, focus: { row: lastRow, col: lastCol } });
        }
        page.track(id, {
            applied: (applied) => {
                // Rows and columns the paste added exist now: the selection takes them in.
                const added = (type) => applied.op.ops.filter((sub) => sub.type === type).map((sub) => sub.row ?? sub.col);
                const rows = added('insertRow');
                const cols = added('addColumn');
                const start = first ?? { row: target.rows[0] ?? rows[0], col: target.cols[0] ?? cols[0] };
                const end = { row: rows.at(-1) ?? lastRow, col: cols.at(-1) ?? lastCol };
                if (start.row && start.col && end.row && end.col) {
                    page.selection.select(start, { anchor: start, focus: end });
                }
                page.announce('Pasted ' + size + ' cells.');
                page.log('info', 'Pasted ' + size + ' cells at version ' + applied.version + '.');
            },
            rejected: (rejected) => page.explainRefusal('Paste', rejected, 'nothing was pasted'),
        });
    }

    /** Empties every cell of the selection that has a value, as one op (Delete, Backspace, cut). */
    clearSelection() {
        const page = this.#page;
        if (!page.canChange()) {
            page.explainReadOnly();
            return;
        }
        const range = this.#range();
        if (!range) {
            return;
        }
        const cells = cellsOf(range, page.view.rowIds, page.view.colIds);
        const op = clearOp(cells, (row, col) => page.view.shownValue(row, col), (row, col) => page.client.baseFor(row, col));
        if (!op) {
            page.announce('Nothing to clear: the selected cells are empty.');
            return;
        }
        const problem = sizeProblem(op, 'Clearing these cells');
        if (problem) {
            page.log('rejected', problem);
            page.announce(problem);
            return;
        }
        const id = page.client.batch(op.ops);
        const count = op.ops.length;
        page.track(id, {
            applied: () => page.announce('Cleared ' + count + ' cell' + plural(count) + '.'),
            rejected: (rejected) => page.explainRefusal('Clearing', rejected, 'nothing was cleared'),
        });
    }
}

function plural(n) {
    return n === 1 ? '' : 's';
}
