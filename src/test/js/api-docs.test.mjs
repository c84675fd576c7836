// Checks the machine-readable API documents, docs/asyncapi.yaml and docs/openapi.yaml, against their
// specifications and against what the server really does: `node --test src/test/js/` after
// `mvn verify` (or `mvn test`), which records the traffic of the Java tests
// (src/test/java/dev/livegrid/support/ApiTraffic.java) in target/api-traffic, or in the directory
// named by LIVEGRID_API_TRAFFIC.
//  - Each document is valid: AsyncAPI 3 by @asyncapi/parser (no error or warning), OpenAPI 3.1 by
//    @seriousme/openapi-schema-validator (the specification's own JSON Schema, references resolved),
//    and every schema in them compiles in Ajv's strict mode (AsyncAPI payloads are draft-07, OpenAPI
//    3.1 schemas 2020-12), so a misspelt keyword is an error rather than a schema that allows anything.
//  - Every example in them matches its schema, and the schemas the two documents share (the ops,
//    `applied`, `rejected`, a sheet's columns and rows) are the same.
//  - Every message the server sent validates against the schema of its `type`, and has no field the
//    schema does not list (clients must ignore unknown fields, but the documents must name them all);
//    every client frame the server took validates, and every one it refused does not; every HTTP
//    response matches its operation's response for that status, and every accepted request body the
//    operation's request body.
//  - Every server message type and client message type, and every HTTP operation, was seen: neither
//    the documents nor the code can gain one that the other lacks.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const NOT_INSTALLED = 'the npm test tools are not installed: run `npm ci` at the repository root (.ci/install-test-deps.sh does)';
const load = (name) => import(name).catch((error) => {
    throw new Error(`${NOT_INSTALLED} (${error.message})`);
});
const { Parser } = await load('@asyncapi/parser');
const { Validator } = await load('@seriousme/openapi-schema-validator');
const { default: Ajv } = await load('ajv');
const { default: Ajv2020 } = await load('ajv/dist/2020.js');
const { default: addFormats } = await load('ajv-formats');
const YAML = await load('yaml');

const TRAFFIC_DIR = process.env.LIVEGRID_API_TRAFFIC || path.join(ROOT, 'target', 'api-traffic');

/**
 * Client frames the server refuses for a reason JSON Schema cannot express; the schema may accept
 * them. Every other refused frame must fail its schema.
 */
const REFUSALS_NO_SCHEMA_CAN_SEE = [
    // Unknown fields are ignored at any depth, but a frame nesting over 64 levels is refused whole.
    /nested too deeply/,
    // A lone surrogate from a JSON escape: JSON Schema patterns see code points, not UTF-16 units.
    /lone surrogate/,
    // A JavaScript number cannot tell 2^63 (refused) from 2^63 - 1 (accepted).
    /"base" is out of range/,
];

// ---- the documents ----

/** A YAML document: its data, and the line of any JSON pointer into it (for readable failures). */
function readDocument(relative) {
    const file = path.join(ROOT, relative);
    const text = readFileSync(file, 'utf8');
    const lineCounter = new YAML.LineCounter();
    const document = YAML.parseDocument(text, { lineCounter });
    assert.deepEqual(document.errors.map(String), [], `${relative} is not valid YAML`);
    const lineOf = (pointer) => {
        const keys = pointer.split('/').slice(1).map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
        for (let n = keys.length; n >= 0; n--) { // the deepest node that exists
            const node = document.getIn(keys.slice(0, n).map((key) => (/^\d+$/.test(key) ? Number(key) : key)), true);
            if (node?.range) {
                return lineCounter.linePos(node.range[0]).line;
            }
        }
        return 1;
    };
    return { relative, text, data: document.toJS(), lineOf };
}

const asyncapi = readDocument('docs/asyncapi.yaml');
const openapi = readDocument('docs/openapi.yaml');

const escape = (key) => key.replace(/~/g, '~0').replace(/\//g, '~1');
const unescape = (key) => key.replace(/~1/g, '/').replace(/~0/g, '~');

/** The value at a local JSON pointer (`#/a/b` or `/a/b`). */
function at(data, pointer) {
    return pointer.replace(/^#/, '').split('/').slice(1).map(unescape).reduce((value, key) => value?.[key], data);
}

/** An object, with a `$ref` to elsewhere in the document followed: [the object, its pointer]. */
function follow(data, value, pointer) {
    while (value?.$ref) {
        pointer = value.$ref.replace(/^#/, '');
        value = at(data, pointer);
    }
    return [value, pointer];
}

/**
 * A copy of a document in which every object schema that lists `properties` allows no others: the
 * messages and answers the server sends must not carry a field the documents do not name. Schemas
 * that only constrain a part (the branches of `allOf`, the conditions of `if`) are left open.
 */
function closed(data) {
    const copy = structuredClone(data);
    const walk = (node, key) => {
        if (Array.isArray(node)) {
            node.forEach((item) => walk(item, key));
        } else if (node && typeof node === 'object') {
            if (node.type === 'object' && node.properties && !('additionalProperties' in node)
                && !['allOf', 'if', 'then', 'else', 'not'].includes(key)) {
                node.additionalProperties = false;
            }
            Object.entries(node).forEach(([child, value]) => walk(value, child));
        }
    };
    walk(copy, '');
    return copy;
}

/**
 * Validators for the schemas of one document. Ajv is strict: unknown keywords and formats, and
 * keywords that do not fit their schema's type, are errors. `required` inside `if`/`then`/`else`
 * names fields declared beside the condition, which strictRequired would refuse.
 */
function schemasOf(document, AjvClass, data = document.data) {
    // verbose: each error names the schema object it failed in, whose place in the document is known.
    const ajv = new AjvClass({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true, verbose: true });
    addFormats(ajv);
    Object.keys(data).forEach((keyword) => ajv.addKeyword(keyword)); // the document's own fields: not schema keywords
    ajv.addSchema(data, document.relative);
    const compiled = new Map();
    const pointers = new Map();
    const walk = (node, pointer) => {
        if (node && typeof node === 'object') {
            pointers.set(node, pointer);
            Object.entries(node).forEach(([key, value]) => walk(value, `${pointer}/${escape(key)}`));
        }
    };
    walk(data, '');
    return {
        document,
        pointerOf: (schema) => pointers.get(schema),
        validator(pointer) {
            if (!compiled.has(pointer)) {
                compiled.set(pointer, ajv.getSchema(`${document.relative}#${pointer}`));
            }
            return compiled.get(pointer);
        },
    };
}

const asyncSchemas = schemasOf(asyncapi, Ajv);
const asyncSchemasClosed = schemasOf(asyncapi, Ajv, closed(asyncapi.data));
const openSchemas = schemasOf(openapi, Ajv2020);
const openSchemasClosed = schemasOf(openapi, Ajv2020, closed(openapi.data));

/**
 * Validates `value` against the schema at `pointer`; null when it is valid, else readable lines: the
 * failing field, the reason, and the schema's line in the document.
 */
function problems(schemas, pointer, value) {
    const validate = schemas.validator(pointer);
    if (validate(value)) {
        return null;
    }
    const lines = relevant(validate.errors, schemas).map((error) => {
        const schemaPointer = `${schemas.pointerOf(error.parentSchema) ?? pointer}/${error.keyword}`;
        const detail = error.keyword === 'additionalProperties'
            ? `has the field '${error.params.additionalProperty}', which the schema does not list`
            : `${error.message}${error.params?.allowedValues ? ` (${error.params.allowedValues.join(', ')})` : ''}`;
        const line = schemas.document.lineOf(schemaPointer);
        return `${error.instancePath || '(top level)'} ${detail} — ${schemas.document.relative}:${line}`
            + ` (${schemaPointer})`;
    });
    return [...new Set(lines)].slice(0, 8);
}

/**
 * Of the errors of a `oneOf` whose branches differ in their `type` constant (the ops), those of the
 * branch whose `type` matched: the others only say "this is not an insertRow".
 */
function relevant(errors, schemas) {
    const where = (error) => schemas.pointerOf(error.parentSchema) ?? '';
    const otherBranches = errors.filter((error) => error.keyword === 'const' && error.instancePath.endsWith('/type'))
        .map((error) => where(error).replace(/\/properties\/type$/, ''));
    const kept = errors.filter((error) => error.keyword !== 'oneOf'
        && !otherBranches.some((branch) => where(error) === branch || where(error).startsWith(`${branch}/`)));
    return kept.length > 0 ? kept : errors;
}

/** Several problems, as one failure message. */
function report(title, failures) {
    const shown = failures.slice(0, 25).join('\n\n');
    return `${failures.length} ${title}:\n\n${shown}${failures.length > 25 ? `\n\n… and ${failures.length - 25} more` : ''}`;
}

const abbreviate = (text) => (text.length > 400 ? `${text.slice(0, 400)}…` : text);
const essence = (contentType) => contentType.split(';')[0].trim().toLowerCase();

// ---- what the AsyncAPI document declares ----

/**
 * The messages of each channel by `type`, from the operations: `send` ones are the server's, `receive`
 * ones the client's. The key is the channel's first path segment (`sheets`, `echo`), as recorded.
 */
function declaredMessages() {
    const channels = {};
    for (const [operationId, operation] of Object.entries(asyncapi.data.operations)) {
        const [channel] = follow(asyncapi.data, operation.channel);
        const name = channel.address.split('/')[1];
        channels[name] ??= { server: new Map(), client: new Map(), untyped: [] };
        const side = operation.action === 'send' ? 'server' : 'client';
        for (const reference of operation.messages) {
            const [, pointer] = follow(asyncapi.data, reference);
            const [message, messagePointer] = follow(asyncapi.data, at(asyncapi.data, pointer), pointer);
            const [payload] = follow(asyncapi.data, message.payload);
            const type = payload?.properties?.type?.const;
            if (type === undefined) {
                channels[name].untyped.push(message.name); // /echo's echoes: any text or bytes
            } else {
                channels[name][side].set(type, { pointer: `${messagePointer}/payload`, operationId });
            }
        }
    }
    return channels;
}

const CHANNELS = declaredMessages();

// ---- the recorded traffic ----

let trafficCache;

/** Every record of every JVM's file, with where it is (`file:line`); fails when there are none. */
function traffic() {
    if (trafficCache) {
        return trafficCache;
    }
    const howTo = `run \`mvn verify\` (or \`mvn test\`) first: the Java tests record what the server sends in`
        + ` target/api-traffic (set LIVEGRID_API_TRAFFIC to read another directory)`;
    assert.ok(existsSync(TRAFFIC_DIR), `No API traffic recorded: ${TRAFFIC_DIR} does not exist; ${howTo}`);
    const records = [];
    for (const name of readdirSync(TRAFFIC_DIR).filter((file) => file.endsWith('.jsonl')).sort()) {
        const file = path.join(TRAFFIC_DIR, name);
        readFileSync(file, 'utf8').split('\n').forEach((line, index) => {
            if (line.trim() !== '') {
                records.push({ ...JSON.parse(line), where: `${path.relative(ROOT, file)}:${index + 1}` });
            }
        });
    }
    assert.ok(records.length > 0, `No API traffic recorded: ${TRAFFIC_DIR} has no records; ${howTo}`);
    trafficCache = records;
    return records;
}

function parseJson(text) {
    try {
        return { value: JSON.parse(text) };
    } catch (error) {
        return { error: error.message };
    }
}

const isTyped = (value) => value !== null && typeof value === 'object' && !Array.isArray(value)
    && typeof value.type === 'string';

// ---- the HTTP operations ----

/** Each path template as a pattern; the most literal first, so that `{id}.csv` wins over `{id}`. */
const ROUTES = Object.keys(openapi.data.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
        .join('[^/]+')}$`),
    literal: template.replace(/\{[^}]+\}/g, '').length,
})).sort((a, b) => b.literal - a.literal);

const METHODS = ['get', 'head', 'post', 'put', 'delete', 'patch', 'options', 'trace'];

/** The template a recorded path matches, trying it without a WAR's context root too. */
function routeOf(requestPath) {
    const direct = ROUTES.find((route) => route.pattern.test(requestPath));
    if (direct || requestPath.startsWith('/api')) {
        return { route: direct, path: requestPath };
    }
    const withoutContext = requestPath.replace(/^\/[^/]+(?=\/)/, '');
    return { route: ROUTES.find((route) => route.pattern.test(withoutContext)), path: withoutContext };
}

/** Checks one HTTP record; returns its failures and the operation it exercised (or null). */
function checkHttp(record) {
    const failures = [];
    const where = `${record.where} (${record.origin}) ${record.method} ${record.path}${record.query ? `?${record.query}` : ''}`
        + ` → ${record.status}`;
    const fail = (why) => failures.push(`${where}\n  ${why.replace(/\n/g, '\n  ')}`);
    const { route, path: apiPath } = routeOf(record.path);
    if (!route) {
        if (apiPath === '/api' || apiPath.startsWith('/api/')) {
            checkResponse(record, '/components/responses/NoSuchPath', 404, fail);
        }
        return { failures, operation: null }; // a page, a file or a WebSocket URL: not the API's
    }
    const pathPointer = `/paths/${escape(route.template)}`;
    const method = record.method.toLowerCase();
    const operation = openapi.data.paths[route.template][method];
    if (!operation) {
        checkResponse(record, '/components/responses/MethodNotAllowed', 405, fail);
        return { failures, operation: null };
    }
    const responses = operation.responses;
    const status = String(record.status);
    const key = [status, `${status[0]}XX`, 'default'].find((candidate) => candidate in responses);
    if (!key) {
        fail(`status ${status} is not declared for ${record.method} ${route.template}`
            + ` (${openapi.relative}:${openapi.lineOf(`${pathPointer}/${method}/responses`)});`
            + ` it declares ${Object.keys(responses).join(', ')}`);
    } else {
        checkResponse(record, `${pathPointer}/${method}/responses/${key}`, null, fail);
    }
    const requestSchema = operation.requestBody?.content?.['application/json'];
    if (requestSchema && record.requestBody !== undefined && record.status >= 200 && record.status < 300) {
        const body = parseJson(record.requestBody);
        const found = body.error ? [`the request body is not JSON (${body.error}), yet it was accepted`]
            : problems(openSchemas, `${pathPointer}/${method}/requestBody/content/application~1json/schema`, body.value);
        if (found) {
            fail(`the accepted request body ${abbreviate(record.requestBody)}\n  does not match the request schema:\n    `
                + found.join('\n    '));
        }
    }
    return { failures, operation: `${method.toUpperCase()} ${route.template}` };
}

/** Checks a response against the response object at `pointer` (and, if given, its expected status). */
function checkResponse(record, pointer, expectedStatus, fail) {
    if (expectedStatus !== null && record.status !== expectedStatus) {
        fail(`expected ${expectedStatus} (${openapi.relative}:${openapi.lineOf(pointer)})`);
        return;
    }
    const [response, responsePointer] = follow(openapi.data, at(openapi.data, pointer), pointer);
    if (record.method === 'HEAD') {
        return; // the GET's status and headers, no body
    }
    const content = response.content ?? {};
    const hasBody = record.body !== undefined && record.body !== '';
    if (Object.keys(content).length === 0) {
        if (hasBody) {
            fail(`a body, but ${openapi.relative}:${openapi.lineOf(responsePointer)} declares none: ${abbreviate(record.body)}`);
        }
        return;
    }
    const mediaType = Object.keys(content).find((type) => essence(type) === essence(record.contentType ?? ''));
    if (!mediaType) {
        fail(`Content-Type ${record.contentType} is not among ${Object.keys(content).join(', ')}`
            + ` (${openapi.relative}:${openapi.lineOf(responsePointer)})`);
        return;
    }
    if (essence(mediaType) !== 'application/json' || record.body === undefined) {
        return; // text (CSV, metrics) is a string; a body too large to record is not checked
    }
    const body = parseJson(record.body);
    const found = body.error ? [`the body is not JSON: ${body.error}`]
        : problems(openSchemasClosed, `${responsePointer}/content/${escape(mediaType)}/schema`, body.value);
    if (found) {
        fail(`${abbreviate(record.body)}\n  does not match:\n    ${found.join('\n    ')}`);
    }
}

// ---- the tests ----

describe('docs/asyncapi.yaml', () => {
    test('is a valid AsyncAPI 3 document (no error or warning from @asyncapi/parser)', async () => {
        const { diagnostics } = await new Parser().parse(asyncapi.text, { source: path.join(ROOT, asyncapi.relative) });
        const serious = diagnostics.filter((d) => d.severity <= 1); // 0 error, 1 warning; 2 and 3 are hints
        assert.deepEqual(serious.map((d) => `${asyncapi.relative}:${d.range.start.line + 1} ${d.code}: ${d.message}`
            + ` (${d.path.join('/')})`), []);
    });

    test('every message payload and binding schema compiles in strict mode, and every example matches', () => {
        const failures = [];
        const compile = (pointer) => {
            try {
                asyncSchemas.validator(pointer);
                asyncSchemasClosed.validator(pointer);
            } catch (error) {
                failures.push(`${asyncapi.relative}:${asyncapi.lineOf(pointer)} ${pointer}: ${error.message}`);
                return false;
            }
            return true;
        };
        const serverMessages = new Set(Object.values(CHANNELS).flatMap((channel) => [...channel.server.values()])
            .map((entry) => entry.pointer));
        for (const [id, message] of Object.entries(asyncapi.data.components.messages)) {
            const pointer = `/components/messages/${escape(id)}/payload`;
            if (!compile(pointer)) {
                continue;
            }
            (message.examples ?? []).forEach((example, index) => {
                const schemas = serverMessages.has(pointer) ? asyncSchemasClosed : asyncSchemas;
                const found = problems(schemas, pointer, example.payload);
                if (found) {
                    failures.push(`${asyncapi.relative}:${asyncapi.lineOf(`/components/messages/${escape(id)}/examples/${index}`)}`
                        + ` the example of ${id} does not match its payload:\n    ${found.join('\n    ')}`);
                }
            });
        }
        for (const [id, channel] of Object.entries(asyncapi.data.channels)) {
            for (const part of ['query', 'headers']) {
                if (channel.bindings?.ws?.[part]) {
                    compile(`/channels/${escape(id)}/bindings/ws/${part}`);
                }
            }
        }
        assert.ok(failures.length === 0, report('problems', failures));
    });

    test('declares a message for every type on /sheets and /echo, each with a `type` of its own', () => {
        assert.deepEqual([...CHANNELS.sheets.server.keys()].sort(),
            ['applied', 'authenticated', 'error', 'presence', 'rejected', 'role', 'welcome']);
        assert.deepEqual([...CHANNELS.sheets.client.keys()].sort(),
            ['addColumn', 'auth', 'batch', 'blur', 'deleteColumn', 'deleteRow', 'edit', 'focus', 'insertRow', 'renameColumn']);
        assert.deepEqual([...CHANNELS.echo.server.keys()], ['heartbeat']);
    });
});

describe('docs/openapi.yaml', () => {
    test('is a valid OpenAPI 3.1 document (its JSON Schema, every reference resolved)', async () => {
        const validator = new Validator();
        const result = await validator.validate(structuredClone(openapi.data));
        const errors = Array.isArray(result.errors) ? result.errors : result.errors ? [result.errors] : [];
        assert.ok(result.valid, report('problems', errors.map((error) => (typeof error === 'string' ? error
            : `${openapi.relative}:${openapi.lineOf(error.instancePath)} ${error.instancePath}: ${error.message}`
            + ` ${JSON.stringify(error.params)}`))));
        assert.equal(validator.version, '3.1');
        assert.doesNotThrow(() => validator.resolveRefs());
    });

    test('every schema compiles in strict mode, and every example matches its schema', () => {
        const failures = [];
        const check = (pointer, schemas, example, examplePointer) => {
            try {
                schemas.validator(pointer);
            } catch (error) {
                failures.push(`${openapi.relative}:${openapi.lineOf(pointer)} ${pointer}: ${error.message}`);
                return;
            }
            const found = example === undefined ? null : problems(schemas, pointer, example);
            if (found) {
                failures.push(`${openapi.relative}:${openapi.lineOf(examplePointer)} the example does not match:\n    `
                    + found.join('\n    '));
            }
        };
        for (const id of Object.keys(openapi.data.components.schemas)) {
            check(`/components/schemas/${escape(id)}`, openSchemas);
        }
        const mediaTypes = (owner, pointer, schemas) => Object.entries(owner?.content ?? {}).forEach(([type, media]) => {
            const mediaPointer = `${pointer}/content/${escape(type)}`;
            check(`${mediaPointer}/schema`, schemas, media.example, `${mediaPointer}/example`);
        });
        for (const [id, response] of Object.entries(openapi.data.components.responses)) {
            mediaTypes(response, `/components/responses/${escape(id)}`, openSchemasClosed);
        }
        for (const [template, item] of Object.entries(openapi.data.paths)) {
            for (const method of METHODS.filter((m) => item[m])) {
                const pointer = `/paths/${escape(template)}/${method}`;
                mediaTypes(item[method].requestBody, `${pointer}/requestBody`, openSchemas);
                for (const [status, response] of Object.entries(item[method].responses)) {
                    if (!response.$ref) {
                        mediaTypes(response, `${pointer}/responses/${status}`, openSchemasClosed);
                    }
                }
            }
        }
        assert.ok(failures.length === 0, report('problems', failures));
    });
});

describe('the two documents', () => {
    /** A schema with every `$ref` replaced by its target and the words for people left out. */
    function resolved(data, schema) {
        if (Array.isArray(schema)) {
            return schema.map((item) => resolved(data, item));
        }
        if (schema === null || typeof schema !== 'object') {
            return schema;
        }
        const [target] = follow(data, schema);
        return Object.fromEntries(Object.entries(target)
            .filter(([key]) => !['description', 'title', 'examples', 'example', 'default', '$comment'].includes(key))
            .map(([key, value]) => [key, key === 'properties' || key === 'required' || key === 'enum' || key === 'const'
                ? (key === 'properties' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolved(data, v)]))
                    : value)
                : resolved(data, value)]));
    }

    test('describe the ops, `applied`, `rejected` and a sheet\'s columns and rows alike', () => {
        const pairs = [
            ...['edit', 'insertRow', 'deleteRow', 'addColumn', 'renameColumn', 'deleteColumn'].map((type) => [
                `/components/messages/${type}/payload`, `/components/schemas/${type[0].toUpperCase()}${type.slice(1)}`]),
            ['/components/messages/applied/payload', '/components/schemas/Applied'],
            ['/components/schemas/Rejected', '/components/schemas/Rejected'],
            ['/components/messages/welcome/payload/properties/columns', '/components/schemas/Sheet/properties/columns'],
            ['/components/messages/welcome/payload/properties/rows', '/components/schemas/Sheet/properties/rows'],
        ];
        for (const [inAsync, inOpen] of pairs) {
            assert.deepEqual(resolved(openapi.data, at(openapi.data, inOpen)), resolved(asyncapi.data, at(asyncapi.data, inAsync)),
                `${openapi.relative}:${openapi.lineOf(inOpen)} ${inOpen} differs from`
                + ` ${asyncapi.relative}:${asyncapi.lineOf(inAsync)} ${inAsync}`);
        }
    });
});

describe('the traffic recorded by the Java tests', () => {
    test('every message the server sent matches the schema of its type, with no field it does not list', (t) => {
        const failures = [];
        const counts = {};
        for (const record of traffic().filter((r) => r.kind === 'ws' && r.from === 'server')) {
            const channel = CHANNELS[record.channel];
            const where = `${record.where} (${record.origin}) on /${record.channel}: ${abbreviate(record.text)}`;
            if (!channel) {
                failures.push(`${where}\n  no channel /${record.channel} in ${asyncapi.relative}`);
                continue;
            }
            const message = parseJson(record.text).value;
            if (!isTyped(message)) {
                if (channel.untyped.length === 0) {
                    failures.push(`${where}\n  not a JSON object with a "type"`);
                }
                continue; // an echo
            }
            const declared = channel.server.get(message.type);
            counts[`${record.channel} ${message.type}`] = (counts[`${record.channel} ${message.type}`] ?? 0) + 1;
            if (!declared) {
                failures.push(`${where}\n  type '${message.type}' is not a message the server sends on /${record.channel}`
                    + ` in ${asyncapi.relative} (it declares ${[...channel.server.keys()].join(', ')})`);
                continue;
            }
            const found = problems(asyncSchemasClosed, declared.pointer, message);
            if (found) {
                failures.push(`${where}\n  does not match:\n    ${found.join('\n    ')}`);
            }
        }
        t.diagnostic(`server messages checked: ${JSON.stringify(counts)}`);
        assert.ok(failures.length === 0, report('server messages do not match docs/asyncapi.yaml', failures));
    });

    test('every client frame the server took matches its schema, and every one it refused does not', (t) => {
        const failures = [];
        const counts = {};
        for (const record of traffic().filter((r) => r.kind === 'ws' && r.from === 'client')) {
            const channel = CHANNELS[record.channel];
            const message = parseJson(record.text).value;
            const declared = isTyped(message) ? channel?.client.get(message.type) : undefined;
            const found = declared ? problems(asyncSchemas, declared.pointer, message)
                : [`no client message of type ${isTyped(message) ? `'${message.type}'` : '(none)'} on /${record.channel}`];
            const verdict = record.verdict;
            counts[verdict.replace(/:.*/s, '')] = (counts[verdict.replace(/:.*/s, '')] ?? 0) + 1;
            const where = `${record.where} (${record.origin}) ${abbreviate(record.text)}`;
            if (verdict === 'accepted' || verdict === 'applied') {
                if (found) {
                    failures.push(`${where}\n  the server took it (${verdict}), but it does not match:\n    ${found.join('\n    ')}`);
                }
            } else if (verdict.startsWith('bad-message') || verdict === 'rejected:invalid') {
                if (!found && !REFUSALS_NO_SCHEMA_CAN_SEE.some((reason) => reason.test(verdict))) {
                    failures.push(`${where}\n  the server refused it (${verdict}), but ${asyncapi.relative}`
                        + ` (${declared.pointer}) accepts it`);
                }
            } // other rejections depend on the sheet and the settings, not on the frame
        }
        t.diagnostic(`client frames checked, by the server's verdict: ${JSON.stringify(counts)}`);
        assert.ok(failures.length === 0, report('client frames disagree with docs/asyncapi.yaml', failures));
    });

    test('every message type declared was seen, in both directions', () => {
        const seen = new Set();
        for (const record of traffic().filter((r) => r.kind === 'ws')) {
            const message = parseJson(record.text).value;
            if (isTyped(message) && (record.from === 'server' || ['accepted', 'applied'].includes(record.verdict))) {
                seen.add(`${record.channel} ${record.from} ${message.type}`);
            }
        }
        const missing = Object.entries(CHANNELS).flatMap(([name, channel]) => ['server', 'client'].flatMap((side) =>
            [...channel[side].keys()].filter((type) => !seen.has(`${name} ${side} ${type}`))
                .map((type) => `${type} (${side === 'server' ? 'server → client' : 'client → server'} on /${name},`
                    + ` ${asyncapi.relative}:${asyncapi.lineOf(channel[side].get(type).pointer)})`)));
        assert.deepEqual(missing, [], 'declared messages no test produced: a test should (ApiTrafficTest drives each once)');
    });

    test('every HTTP response matches its operation in docs/openapi.yaml', (t) => {
        const failures = [];
        let checked = 0;
        for (const record of traffic().filter((r) => r.kind === 'http')) {
            const result = checkHttp(record);
            checked += result.operation ? 1 : 0;
            failures.push(...result.failures);
        }
        t.diagnostic(`HTTP exchanges checked against an operation: ${checked}`);
        assert.ok(failures.length === 0, report('HTTP responses do not match docs/openapi.yaml', failures));
    });

    test('every HTTP operation declared was exercised', () => {
        const seen = new Set(traffic().filter((r) => r.kind === 'http').map((r) => checkHttp(r).operation));
        const missing = Object.entries(openapi.data.paths).flatMap(([template, item]) => METHODS
            .filter((method) => item[method] && !seen.has(`${method.toUpperCase()} ${template}`))
            .map((method) => `${method.toUpperCase()} ${template} (${openapi.relative}:`
                + `${openapi.lineOf(`/paths/${escape(template)}/${method}`)})`));
        assert.deepEqual(missing, [], 'operations no test called: a test should (ApiTrafficTest calls each once)');
    });
});
