// Offline checks of docker-compose.yml: `node --test src/test/js/` (Node 20), after `npm ci` (run by
// .ci/install-test-deps.sh). No Docker engine is needed or used:
//  - dclint validates the file against the Compose Specification schema it bundles, plus its rules;
//  - the YAML is parsed and checked for what LiveGrid relies on (artifacts, data volumes,
//    healthchecks, ports);
//  - dclint is shown to fail on broken copies, so a green run means something.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const DCLINT = path.join(ROOT, 'node_modules', 'dclint', 'bin', 'dclint.cjs');
const NOT_INSTALLED = 'dclint/yaml are not installed: run `npm ci` at the repository root (.ci/install-test-deps.sh does)';

if (!existsSync(DCLINT)) {
    throw new Error(NOT_INSTALLED);
}
const YAML = await import('yaml').catch((error) => {
    throw new Error(`${NOT_INSTALLED} (${error.message})`);
});

/** What each server needs from the compose file. */
const SERVERS = {
    standalone: {
        artifact: './target/livegrid-standalone.jar',
        contextRoot: '/',
    },
    payara: {
        artifact: './target/livegrid.war',
        // Payara Micro's image deploys what is in this directory; the file name sets the context root.
        deployTarget: '/opt/payara/deployments/livegrid.war',
        contextRoot: '/livegrid/',
    },
    wildfly: {
        artifact: './target/livegrid.war',
        deployTarget: '/opt/jboss/wildfly/standalone/deployments/livegrid.war',
        contextRoot: '/livegrid/',
    },
};

/** The port every server listens on inside its container (LiveGrid's default, the servers' HTTP listener). */
const CONTAINER_PORT = 8080;

/**
 * Commands known to exist in each image family (from their Dockerfiles): a healthcheck must use one.
 * Temurin (Ubuntu): curl, wget, bash. Payara Micro 6 jdk17 (Azul Zulu on Alpine): busybox wget, sh,
 * no curl, no bash. WildFly (Temurin on UBI 9 minimal): curl, wget, bash.
 */
const IMAGE_TOOLS = [
    { prefix: 'eclipse-temurin:', tools: ['curl', 'wget', 'bash', 'java'] },
    { prefix: 'payara/micro:', tools: ['wget', 'sh', 'java'] },
    { prefix: 'quay.io/wildfly/wildfly:', tools: ['curl', 'wget', 'bash', 'java'] },
];

/** Runs the locally installed dclint on one file; never throws. */
function dclint(file) {
    const result = spawnSync(process.execPath, [DCLINT, '--no-color', file], {
        cwd: ROOT, encoding: 'utf8', timeout: 60_000,
    });
    return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}`, error: result.error };
}

/** A service's mounts in long form, whether written short (`src:dst[:ro]`) or long. */
function mountsOf(service) {
    return (service.volumes ?? []).map((volume) => {
        if (typeof volume === 'string') {
            const [source, target, mode] = volume.split(':');
            const isPath = source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
            return { type: isPath ? 'bind' : 'volume', source, target, read_only: (mode ?? '').split(',').includes('ro') };
        }
        return volume;
    });
}

/** A service's environment as an object, whether written as a map or as a list of NAME=value. */
function environmentOf(service) {
    const env = service.environment ?? {};
    if (!Array.isArray(env)) {
        return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, value == null ? value : String(value)]));
    }
    return Object.fromEntries(env.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, undefined] : [entry.slice(0, at), entry.slice(at + 1)];
    }));
}

/** A service's published ports as { host, container } numbers, short (`[ip:]host:container`) or long syntax. */
function portsOf(service) {
    return (service.ports ?? []).map((port) => {
        if (typeof port === 'object') {
            return { host: Number(port.published), container: Number(port.target), hostIp: port.host_ip };
        }
        const parts = String(port).split('/')[0].split(':');
        assert.ok(parts.length >= 2, `port ${port} publishes no fixed host port`);
        const container = Number(parts.pop());
        const host = Number(parts.pop());
        return { host, container, hostIp: parts.join(':') || undefined };
    });
}

/** The argv of a healthcheck test (CMD form, or CMD-SHELL split on spaces). */
function healthcheckArgv(service) {
    const testValue = service.healthcheck?.test;
    assert.ok(testValue, 'no healthcheck test');
    const argv = typeof testValue === 'string' ? ['CMD-SHELL', testValue] : [...testValue];
    return argv[0] === 'CMD-SHELL' ? argv.slice(1).join(' ').split(/\s+/) : argv.slice(1);
}

describe('docker-compose.yml', () => {
    const source = readFileSync(COMPOSE_FILE, 'utf8');
    const compose = YAML.parse(source);
    const services = compose.services ?? {};
    const namedVolumes = Object.keys(compose.volumes ?? {});

    test('passes dclint (Compose Specification schema and rules) with no error', () => {
        const { status, output, error } = dclint(COMPOSE_FILE);
        assert.equal(error, undefined, `dclint did not run: ${error}`);
        assert.equal(status, 0, `dclint reported errors:\n${output}`);
        if (output.trim()) {
            console.log(output); // warnings, shown but not failing
        }
    });

    test('has the three LiveGrid services', () => {
        for (const name of Object.keys(SERVERS)) {
            assert.ok(services[name], `service ${name} missing`);
            assert.ok(services[name].image, `service ${name} has no image`);
        }
    });

    for (const [name, expected] of Object.entries(SERVERS)) {
        describe(name, () => {
            const service = services[name] ?? {};

            test(`mounts ${expected.artifact} read-only`, () => {
                const mount = mountsOf(service).find((m) => m.type === 'bind' && m.source === expected.artifact);
                assert.ok(mount, `${name} does not mount ${expected.artifact}`);
                assert.equal(mount.read_only, true, `${name} mounts ${expected.artifact} writable`);
                if (expected.deployTarget) {
                    assert.equal(mount.target, expected.deployTarget);
                } else {
                    const command = [].concat(service.command ?? []).join(' ');
                    assert.match(command, /java\b.*-jar/, 'the standalone service must run the jar');
                    assert.ok(command.includes(mount.target), `command "${command}" does not run ${mount.target}`);
                }
                assert.equal(path.posix.basename(mount.target), path.posix.basename(expected.artifact),
                    'the file name inside the container sets the context root: keep it');
            });

            test('keeps LIVEGRID_DATA_DIR on its own named volume', () => {
                const dataDir = environmentOf(service).LIVEGRID_DATA_DIR;
                assert.ok(dataDir, `${name} does not set LIVEGRID_DATA_DIR`);
                assert.ok(dataDir.startsWith('/'), `LIVEGRID_DATA_DIR=${dataDir} is not absolute`);
                const mount = mountsOf(service).find((m) => m.target === dataDir);
                assert.ok(mount, `nothing is mounted at LIVEGRID_DATA_DIR=${dataDir}`);
                assert.equal(mount.type, 'volume', `${dataDir} is not a named volume`);
                assert.ok(namedVolumes.includes(mount.source), `volume ${mount.source} is not declared under top-level volumes`);
                assert.notEqual(mount.read_only, true, 'the data volume must be writable');
                for (const other of Object.keys(SERVERS).filter((n) => n !== name)) {
                    const shared = mountsOf(services[other] ?? {}).some((m) => m.type === 'volume' && m.source === mount.source);
                    assert.ok(!shared, `${name} and ${other} share ${mount.source}: one data directory serves one server at a time`);
                }
            });

            test(`has a healthcheck on ${expected.contextRoot} with a tool the image has`, () => {
                const argv = healthcheckArgv(service);
                const url = argv.find((arg) => /^https?:\/\//.test(arg));
                assert.ok(url, `healthcheck ${argv.join(' ')} has no URL`);
                const { pathname, port, hostname } = new URL(url);
                assert.ok(pathname.startsWith(expected.contextRoot), `healthcheck path ${pathname} is outside ${expected.contextRoot}`);
                if (expected.contextRoot === '/') {
                    assert.ok(!pathname.startsWith('/livegrid/'), `the standalone server has no /livegrid context: ${pathname}`);
                }
                assert.equal(Number(port || 80), CONTAINER_PORT, 'the healthcheck runs inside the container: use its port');
                assert.ok(['127.0.0.1', 'localhost'].includes(hostname), `healthcheck host ${hostname} is not this container`);
                const family = IMAGE_TOOLS.find((f) => service.image?.startsWith(f.prefix));
                assert.ok(family, `no known tool list for image ${service.image}`);
                assert.ok(family.tools.includes(argv[0]), `${argv[0]} is not known to exist in ${service.image}`);
                for (const key of ['interval', 'timeout', 'retries', 'start_period']) {
                    assert.ok(service.healthcheck[key] != null, `healthcheck.${key} not set`);
                }
            });

            test('restarts unless stopped and has a stop grace period', () => {
                assert.equal(service.restart, 'unless-stopped');
                assert.match(String(service.stop_grace_period ?? ''), /^\d+(ms|s|m)$/);
            });

            test(`publishes container port ${CONTAINER_PORT}`, () => {
                const ports = portsOf(service);
                assert.equal(ports.length, 1, `${name} should publish exactly one port`);
                assert.equal(ports[0].container, CONTAINER_PORT);
            });

            test('gets a data volume its (non-root) user can write', () => {
                const init = services['volume-init'];
                assert.ok(init, 'volume-init missing');
                assert.equal(service.depends_on?.['volume-init']?.condition, 'service_completed_successfully');
                const dataVolume = mountsOf(service).find((m) => m.target === environmentOf(service).LIVEGRID_DATA_DIR)?.source;
                const initMount = mountsOf(init).find((m) => m.type === 'volume' && m.source === dataVolume);
                assert.ok(initMount, `volume-init does not mount ${dataVolume}`);
                const command = [].concat(init.command ?? []);
                assert.equal(command[0], 'chown');
                assert.ok(command.includes(initMount.target), `volume-init does not chown ${initMount.target}`);
                const owner = command[1];
                const user = service.user ?? '1000:1000'; // the payara and jboss users of those images are uid 1000
                assert.equal(String(user).split(':')[0], owner.split(':')[0], `${name} runs as ${user}, volume given to ${owner}`);
            });
        });
    }

    test('publishes distinct host ports', () => {
        const hostPorts = Object.keys(SERVERS).flatMap((name) => portsOf(services[name] ?? {}).map((p) => p.host));
        assert.equal(new Set(hostPorts).size, hostPorts.length, `host ports collide: ${hostPorts}`);
        assert.ok(hostPorts.every((p) => Number.isInteger(p) && p > 0 && p < 65536), `bad host ports: ${hostPorts}`);
    });
});

describe('docker-compose.yml, profile "cluster"', () => {
    const compose = YAML.parse(readFileSync(COMPOSE_FILE, 'utf8'));
    const services = compose.services ?? {};
    const NODES = ['cluster-1', 'cluster-2', 'cluster-3'];
    const CLUSTER = [...NODES, 'cluster-nginx', 'cluster-postgres'];
    const SECRET = 'livegrid-db-password';
    const postgres = services['cluster-postgres'] ?? {};
    const dbEnv = environmentOf(postgres);

    test('the cluster services, and only they, are in the profile', () => {
        for (const [name, service] of Object.entries(services)) {
            const inCluster = (service.profiles ?? []).includes('cluster');
            assert.equal(inCluster, CLUSTER.includes(name), `${name} ${inCluster ? 'is' : 'is not'} in the cluster profile`);
        }
    });

    test('the database password is a secret from the environment, never a value in the file', () => {
        assert.equal(compose.secrets?.[SECRET]?.environment, 'LIVEGRID_DB_PASSWORD');
        for (const [name, service] of Object.entries(services)) {
            const given = Object.keys(environmentOf(service)).filter((key) => /PASSWORD$/.test(key));
            assert.deepEqual(given, [], `${name} sets ${given} in the file: passwords come from the secret (…_FILE)`);
        }
        assert.equal(dbEnv.POSTGRES_PASSWORD_FILE, `/run/secrets/${SECRET}`);
        assert.ok((postgres.secrets ?? []).includes(SECRET));
    });

    for (const name of NODES) {
        test(`${name} runs the jar on the shared database, reachable only through nginx`, () => {
            const service = services[name] ?? {};
            const env = environmentOf(service);
            const jar = mountsOf(service).find((m) => m.type === 'bind' && m.source === './target/livegrid-standalone.jar');
            assert.ok(jar?.read_only, `${name} mounts the jar read-only`);
            assert.ok([].concat(service.command ?? []).join(' ').includes(`-jar ${jar.target}`));
            assert.equal(env.LIVEGRID_JDBC_URL, `jdbc:postgresql://cluster-postgres:5432/${dbEnv.POSTGRES_DB}`);
            assert.equal(env.LIVEGRID_JDBC_USER, dbEnv.POSTGRES_USER);
            assert.equal(env.LIVEGRID_JDBC_PASSWORD_FILE, `/run/secrets/${SECRET}`);
            assert.ok((service.secrets ?? []).includes(SECRET), `${name} gets the secret`);
            assert.equal(env.LIVEGRID_DATA_DIR, undefined, 'sheets live in PostgreSQL, not in a data directory');
            assert.equal(portsOf(service).length, 0, `${name} publishes no port: clients go through cluster-nginx`);
            assert.equal(service.depends_on?.['cluster-postgres']?.condition, 'service_healthy');
            const argv = healthcheckArgv(service);
            assert.ok(argv.includes('http://127.0.0.1:8080/health/ready'), `healthcheck ${argv.join(' ')}`);
        });
    }

    test('PostgreSQL keeps its data on a named volume', () => {
        const data = mountsOf(postgres).find((m) => m.target === '/var/lib/postgresql/data');
        assert.equal(data?.type, 'volume');
        assert.ok(Object.keys(compose.volumes ?? {}).includes(data.source));
        assert.ok(healthcheckArgv(postgres)[0] === 'pg_isready');
    });

    test('nginx publishes one port on 127.0.0.1 and balances over exactly the cluster servers', () => {
        const nginx = services['cluster-nginx'] ?? {};
        const ports = portsOf(nginx);
        assert.equal(ports.length, 1);
        assert.equal(ports[0].hostIp, '127.0.0.1', 'this machine only, like the other services');
        const others = Object.keys(SERVERS).flatMap((n) => portsOf(services[n] ?? {}).map((p) => p.host));
        assert.ok(!others.includes(ports[0].host), `host port ${ports[0].host} collides`);
        const conf = mountsOf(nginx).find((m) => m.type === 'bind' && m.source === './deploy/nginx-cluster.conf');
        assert.ok(conf?.read_only && conf.target.startsWith('/etc/nginx/conf.d/'), 'the shipped configuration, read-only');
        const text = readFileSync(path.join(ROOT, 'deploy', 'nginx-cluster.conf'), 'utf8');
        const upstreams = [...text.matchAll(/^\s*server\s+([\w.-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
        assert.deepEqual(upstreams, NODES.map((n) => `${n}:8080`));
        assert.match(text, /listen 8080;/);
        for (const line of ['proxy_http_version 1.1;', 'proxy_set_header Upgrade $http_upgrade;',
            'proxy_set_header Connection $connection_upgrade;', 'proxy_set_header Host $http_host;']) {
            assert.ok(text.includes(line), `nginx-cluster.conf lacks "${line}" (WebSocket upgrades, Origin checks)`);
        }
        const readTimeout = Number(/proxy_read_timeout (\d+)s;/.exec(text)?.[1]);
        assert.ok(readTimeout > 30, 'idle sockets must outlive the 30 s ping interval');
        for (const node of NODES) {
            assert.equal(nginx.depends_on?.[node]?.condition, 'service_healthy');
        }
    });
});

describe('dclint on broken copies of docker-compose.yml', () => {
    let dir;
    before(() => {
        dir = mkdtempSync(path.join(tmpdir(), 'livegrid-compose-'));
    });
    after(() => {
        rmSync(dir, { recursive: true, force: true });
    });

    /** Writes a copy of docker-compose.yml changed by `edit` (a yaml Document) and lints it. */
    function lintBroken(fileName, edit) {
        const doc = YAML.parseDocument(readFileSync(COMPOSE_FILE, 'utf8'));
        edit(doc);
        const file = path.join(dir, fileName);
        writeFileSync(file, String(doc));
        return dclint(file);
    }

    test('fails on an unknown service key', () => {
        const { status, output } = lintBroken('unknown-key.yml', (doc) => doc.setIn(['services', 'payara', 'restart_policy'], 'always'));
        assert.notEqual(status, 0, `dclint accepted an unknown key:\n${output}`);
        assert.match(output, /invalid-schema/);
        assert.match(output, /services\/payara/);
    });

    test('fails on ports given as a number', () => {
        const { status, output } = lintBroken('ports-number.yml', (doc) => doc.setIn(['services', 'standalone', 'ports'], 8080));
        assert.notEqual(status, 0, `dclint accepted ports: 8080:\n${output}`);
        assert.match(output, /services\/standalone\/ports/);
    });

    test('fails on an image without a tag', () => {
        const { status, output } = lintBroken('untagged.yml', (doc) => doc.setIn(['services', 'wildfly', 'image'], 'quay.io/wildfly/wildfly'));
        assert.notEqual(status, 0, `dclint accepted an untagged image:\n${output}`);
        assert.match(output, /service-image-require-explicit-tag/);
    });
});
