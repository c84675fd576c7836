// Tests of webapp/js/access.js (the page's token handling) without a browser: `node --test src/test/js/`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    addressWithoutToken, hasExpired, signInAddress, tokenClaims, tokenFromFragment, TOKEN_PLACEHOLDER,
} from '../../../webapp/js/access.js';

/** An unsigned JWT-shaped token with these claims (the page reads claims, it never checks signatures). */
function jwt(claims) {
    const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return part({ alg: 'HS256', typ: 'JWT' }) + '.' + part(claims) + '.c2lnbmF0dXJl';
}

const TOKEN = jwt({ sub: 'ada', name: 'Ada L.', exp: 2000000000 });

describe('tokenFromFragment', () => {
    test('takes #token=… and leaves nothing behind', () => {
        assert.deepEqual(tokenFromFragment('#token=' + TOKEN), { token: TOKEN, found: true, fragment: '' });
    });

    test('keeps the rest of the fragment; access_token (OAuth) is a token too; percent escapes are decoded', () => {
        assert.deepEqual(tokenFromFragment('#row=3&token=' + TOKEN + '&x'), { token: TOKEN, found: true, fragment: 'row=3&x' });
        assert.deepEqual(tokenFromFragment('#access_token=' + TOKEN), { token: TOKEN, found: true, fragment: '' });
        assert.equal(tokenFromFragment('#token=a%2Eb%2Ec').token, 'a.b.c');
        assert.equal(tokenFromFragment('#token=%E0%A4%A').token, '%E0%A4%A', 'a bad escape is kept as it is, not thrown');
    });

    test('no fragment, another fragment, or an empty token: no token; an empty one is still taken out', () => {
        assert.deepEqual(tokenFromFragment(''), { token: null, found: false, fragment: '' });
        assert.deepEqual(tokenFromFragment(undefined), { token: null, found: false, fragment: '' });
        assert.deepEqual(tokenFromFragment('#section-2'), { token: null, found: false, fragment: 'section-2' });
        assert.deepEqual(tokenFromFragment('#tokens=x'), { token: null, found: false, fragment: 'tokens=x' });
        assert.deepEqual(tokenFromFragment('#token='), { token: null, found: true, fragment: '' });
        assert.deepEqual(tokenFromFragment('#token=%20'), { token: null, found: true, fragment: '' });
    });
});

describe('addresses', () => {
    const page = (search, hash) => ({ protocol: 'https:', host: 'grid.example.com', pathname: '/livegrid/', search, hash });

    test('the address without the token keeps the path, the query and the rest of the fragment', () => {
        assert.equal(addressWithoutToken(page('?sheet=team', '#token=' + TOKEN)), '/livegrid/?sheet=team');
        assert.equal(addressWithoutToken(page('', '#token=' + TOKEN + '&row=3')), '/livegrid/#row=3');
        assert.equal(addressWithoutToken(page('', '')), '/livegrid/');
    });

    test('the sign-in hint shows this page with a placeholder token, never a real one', () => {
        assert.equal(signInAddress(page('?sheet=team', '#token=' + TOKEN)),
            'https://grid.example.com/livegrid/?sheet=team#token=' + TOKEN_PLACEHOLDER);
    });
});

describe('tokenClaims', () => {
    test('reads sub, name and exp of a JWT, in UTF-8', () => {
        assert.deepEqual(tokenClaims(TOKEN), { sub: 'ada', name: 'Ada L.', exp: 2000000000 });
        assert.deepEqual(tokenClaims(jwt({ sub: 'zoë', name: 'Zoë 😀' })), { sub: 'zoë', name: 'Zoë 😀', exp: null });
    });

    test('claims of the wrong type are null', () => {
        assert.deepEqual(tokenClaims(jwt({ sub: 7, name: ['x'], exp: '2030' })), { sub: null, name: null, exp: null });
    });

    test('what is not a JWT with a JSON object payload has no claims', () => {
        for (const text of [null, undefined, '', 'abc', 'a.b', 'a.b.c.d', 'x.' + 'not base64!' + '.y',
            'x.' + Buffer.from('[1]').toString('base64url') + '.y', 'x.' + Buffer.from('nope').toString('base64url') + '.y',
            'x.' + Buffer.from([0xff, 0xfe]).toString('base64url') + '.y']) {
            assert.equal(tokenClaims(text), null, String(text));
        }
    });

    test('a token has expired once exp is past; without exp it never does here', () => {
        const now = 2000000000 * 1000;
        assert.equal(hasExpired({ exp: 2000000000 }, now), true);
        assert.equal(hasExpired({ exp: 2000000001 }, now), false);
        assert.equal(hasExpired({ exp: null }, now), false);
        assert.equal(hasExpired(null, now), false);
    });
});
