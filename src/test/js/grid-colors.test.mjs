// Tests of webapp/js/grid-colors.js: `node --test src/test/js/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contrast, userColors } from '../../../webapp/js/grid-colors.js';

const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

test('contrast is WCAG\'s ratio', () => {
    assert.equal(contrast([255, 255, 255], [0, 0, 0]), 21);
    assert.equal(contrast([0, 0, 0], [255, 255, 255]), 21);
    assert.ok(Math.abs(contrast([118, 118, 118], [255, 255, 255]) - 4.54) < 0.01);
});

test('every user\'s shades carry their text at 4.5:1 or more, in both schemes, whatever the hue', () => {
    for (let i = 0; i < 500; i++) {
        const { hue, light, dark } = userColors('u-' + i.toString(16).padStart(16, '0'));
        assert.ok(hue >= 30 && hue <= 320, 'no reds: ' + hue);
        assert.ok(contrast(rgb(light), [255, 255, 255]) >= 4.5, light + ' under white');
        assert.ok(contrast(rgb(dark), [13, 17, 23]) >= 4.5, dark + ' under the dark scheme\'s ink');
    }
});

test('the same id gets the same colours; ids one character apart get other hues', () => {
    assert.deepEqual(userColors('u-1'), userColors('u-1'));
    assert.notEqual(userColors('u-1').hue, userColors('u-2').hue);
});
