// Node's @grpc/grpc-js as a client of a real CkptFS NameNode.
//
//   node client.mjs HOST:PORT CASE...     (cases: unary server-streaming error-non-ascii deadline gzip health reflection)
//
// Prints one JSON line per case: {"case": NAME, ...what it observed}. A case that hit a failure it
// did not expect prints {"case": NAME, "unexpected": {code, details}} and goes on to the next. The
// script only observes; tests/CkptFS.IntegrationTests/NodeInteropTests.cs asserts. Exit code 0
// once every case has printed its line, whatever it observed; 2 for bad arguments.
//
// The ckptfs.v1 services come from the repository's protos/ at run time (proto-loader, no
// generated code). The standard health and reflection protos are under ./protos, copied unchanged
// from the npm packages grpc-health-check 2.1.0 and @grpc/reflection 1.0.4 (Apache-2.0).
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import descriptor from 'protobufjs/ext/descriptor/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoProtos = join(here, '..', '..', '..', 'protos');

// Every call has a deadline, so that a silent server fails the case instead of hanging the run.
const CALL_TIMEOUT_MS = 10_000;
const USER = 'node-interop';
// A run-unique prefix: cases may run again against the same NameNode.
const RUN = `/node-interop/${randomUUID()}`;

const loaderOptions = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };
const ckptfs = grpc.loadPackageDefinition(protoLoader.loadSync(
  ['ckptfs/v1/namenode.proto', 'ckptfs/v1/datanode.proto', 'ckptfs/v1/checkpoint.proto'],
  { ...loaderOptions, includeDirs: [repoProtos] })).ckptfs.v1;
const standard = grpc.loadPackageDefinition(protoLoader.loadSync(
  ['grpc/health/v1/health.proto', 'grpc/reflection/v1/reflection.proto', 'grpc/reflection/v1alpha/reflection.proto'],
  { ...loaderOptions, includeDirs: [join(here, 'protos')] })).grpc;

const deadline = (ms = CALL_TIMEOUT_MS) => new Date(Date.now() + ms);
const statusName = (code) => Object.keys(grpc.status).find((name) => grpc.status[name] === code) ?? String(code);
const metadata = () => {
  const m = new grpc.Metadata();
  m.set('ckptfs-user', USER);
  return m;
};

let callId = 0;
const requestId = () => ({ client_id: `node-interop-${process.pid}`, call_id: String(++callId) });

/** One unary call as a promise; `options` adds to the default deadline (a deadline of its own replaces it). */
function unary(client, method, request, options = {}) {
  return new Promise((resolve, reject) => {
    client[method](request, metadata(), { deadline: deadline(), ...options }, (error, response) =>
      error ? reject(error) : resolve(response));
  });
}

/** The status of a call that failed: name, details (the decoded grpc-message) and the trailing metadata. */
function failure(error) {
  if (typeof error?.code !== 'number') {
    throw error;
  }
  return { code: statusName(error.code), details: error.details, trailers: error.metadata?.getMap() ?? {} };
}

/** Runs a call expected to fail; returns its status, or {code: 'OK'} when it did not fail. */
async function expectFailure(promise) {
  try {
    await promise;
    return { code: 'OK' };
  } catch (error) {
    return failure(error);
  }
}

/** The first message of a server-streaming call, then the status the call ended with (after cancel, when asked). */
function firstMessageThenEnd(call, { cancelAfterFirst }) {
  return new Promise((resolve) => {
    const started = Date.now();
    let first = null;
    let messages = 0;
    let settled = false;
    const finish = (code, details) => {
      if (!settled) {
        settled = true;
        resolve({ first, messages, code, details, elapsedMs: Date.now() - started });
      }
    };
    call.on('data', (message) => {
      messages++;
      if (first === null) {
        first = message;
        if (cancelAfterFirst) {
          call.cancel();
        }
      }
    });
    call.on('error', (error) => finish(statusName(error.code), error.details));
    call.on('status', (status) => finish(statusName(status.code), status.details));
  });
}

const fileStatus = (s) => ({
  path: s.path, type: s.type, inode_id: s.inode_id, owner: s.owner, permission: s.permission,
  modification_time_ms: s.modification_time_ms,
});

const cases = {
  // Mkdirs then GetFileInfo of the same path: request ids, metadata (the owner comes from the
  // ckptfs-user header), enums, uint64 and int64 fields.
  async unary(address) {
    const client = new ckptfs.ClientProtocol(address, grpc.credentials.createInsecure());
    try {
      const path = `${RUN}/unary/ünï/名前`;
      const mkdirs = await unary(client, 'Mkdirs', { request_id: requestId(), path, create_parent: true, permission: 0o750 });
      const info = await unary(client, 'GetFileInfo', { path });
      return { path, mkdirs: fileStatus(mkdirs.status), info: fileStatus(info.status), now_ms: Date.now() };
    } finally {
      client.close();
    }
  },

  // ClientProtocol has no streaming call. DatanodeProtocol.Connect is the NameNode's own
  // server-streaming method: register a (fake) DataNode, open its stream, read the one event the
  // NameNode writes, cancel. Plus grpc.health.v1.Health/Watch, server streaming too.
  async 'server-streaming'(address) {
    const datanodes = new ckptfs.DatanodeProtocol(address, grpc.credentials.createInsecure());
    const health = new standard.health.v1.Health(address, grpc.credentials.createInsecure());
    try {
      const uuid = `node-interop-${randomUUID()}`;
      await unary(datanodes, 'Register', {
        datanode: { datanode_uuid: uuid, host: '127.0.0.1', transfer_port: 9, http_port: 9 },
        software_version: 'node-interop',
      });
      const connect = await firstMessageThenEnd(
        datanodes.Connect({ datanode_uuid: uuid }, metadata(), { deadline: deadline() }), { cancelAfterFirst: true });
      const watch = await firstMessageThenEnd(
        health.Watch({ service: '' }, new grpc.Metadata(), { deadline: deadline() }), { cancelAfterFirst: true });
      return {
        connect: { events: connect.messages, code: connect.code },
        watch: { first: watch.first?.status ?? null, code: watch.code },
      };
    } finally {
      datanodes.close();
      health.close();
    }
  },

  // A NameNode error whose message holds the path: Latin-1, 3-byte and 4-byte UTF-8 (an emoji),
  // which grpc-message carries percent-encoded. The ckptfs-error-code trailer must be there too.
  async 'error-non-ascii'(address) {
    const client = new ckptfs.ClientProtocol(address, grpc.credentials.createInsecure());
    try {
      const path = '/données/ß/€/名前/🚀';
      const status = await expectFailure(unary(client, 'Mkdirs', { request_id: requestId(), path, create_parent: false }));
      return { path, ...status };
    } finally {
      client.close();
    }
  },

  // A server-streaming call that outlives its deadline: Health/Watch answers at once and then
  // waits for changes, so the 300 ms deadline (sent as grpc-timeout) always expires mid-call.
  // Then a unary call whose deadline passed before it started (expires in the client).
  async deadline(address) {
    const health = new standard.health.v1.Health(address, grpc.credentials.createInsecure());
    const client = new ckptfs.ClientProtocol(address, grpc.credentials.createInsecure());
    try {
      const watch = await firstMessageThenEnd(
        health.Watch({ service: '' }, new grpc.Metadata(), { deadline: deadline(300) }), { cancelAfterFirst: false });
      const expired = await expectFailure(unary(client, 'GetFileInfo', { path: '/' }, { deadline: new Date(Date.now() - 1) }));
      return {
        watch: { first: watch.first?.status ?? null, code: watch.code, elapsedMs: watch.elapsedMs },
        expired: { code: expired.code },
      };
    } finally {
      health.close();
      client.close();
    }
  },

  // Requests compressed with gzip (grpc-encoding: gzip, each message flagged compressed). grpc-js
  // compresses until a response's grpc-accept-encoding leaves gzip out, so each call below is the
  // first on a channel of its own: it is compressed whatever the server advertises. The second
  // one is large (a 256 KiB start_after that gzip shrinks to a few hundred bytes).
  // (grpc-js has no compression level option: it uses zlib's default.)
  async gzip(address) {
    const gzipOptions = { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip };
    const mkdirsClient = new ckptfs.ClientProtocol(address, grpc.credentials.createInsecure(), gzipOptions);
    const listClient = new ckptfs.ClientProtocol(address, grpc.credentials.createInsecure(), gzipOptions);
    try {
      const path = `${RUN}/gzip`;
      const mkdirs = await unary(mkdirsClient, 'Mkdirs', { request_id: requestId(), path, create_parent: true });
      const startAfter = 'a'.repeat(256 * 1024);
      const listing = await unary(listClient, 'GetListing', { path: RUN, start_after: startAfter });
      return {
        path,
        mkdirs: mkdirs.status.path,
        requestBytes: startAfter.length,
        listing: listing.entries.map((e) => e.path),
      };
    } finally {
      mkdirsClient.close();
      listClient.close();
    }
  },

  // grpc.health.v1.Health/Check for the server ("") and each ckptfs service by its full name;
  // an unknown name must fail with NOT_FOUND.
  async health(address) {
    const health = new standard.health.v1.Health(address, grpc.credentials.createInsecure());
    try {
      const names = ['', 'ckptfs.v1.ClientProtocol', 'ckptfs.v1.DatanodeProtocol', 'ckptfs.v1.CheckpointProtocol', 'no.such.Service'];
      const statuses = {};
      for (const service of names) {
        try {
          statuses[service] = (await unary(health, 'Check', { service })).status;
        } catch (error) {
          statuses[service] = failure(error).code;
        }
      }
      return { statuses };
    } finally {
      health.close();
    }
  },

  // Server reflection as grpcurl does it: grpc.reflection.v1 first, v1alpha when v1 is
  // UNIMPLEMENTED. list_services, then the file that defines ckptfs.v1.ClientProtocol.
  async reflection(address) {
    for (const version of ['v1', 'v1alpha']) {
      const reflection = new standard.reflection[version].ServerReflection(address, grpc.credentials.createInsecure());
      try {
        const responses = await reflect(reflection, [
          { host: '', list_services: '*' },
          { host: '', file_containing_symbol: 'ckptfs.v1.ClientProtocol' },
        ]);
        const services = responses[0].list_services_response?.service.map((s) => s.name) ?? null;
        const files = (responses[1].file_descriptor_response?.file_descriptor_proto ?? [])
          .map((bytes) => descriptor.FileDescriptorProto.decode(bytes))
          .map((file) => ({
            name: file.name,
            package: file.package,
            services: (file.service ?? []).map((s) => ({ name: s.name, methods: (s.method ?? []).map((m) => m.name) })),
          }));
        return { version, services, files, errors: responses.map((r) => r.error_response?.error_message ?? null) };
      } catch (error) {
        const status = failure(error);
        if (status.code !== 'UNIMPLEMENTED' || version === 'v1alpha') {
          return { version, unexpected: status };
        }
      } finally {
        reflection.close();
      }
    }
    throw new Error('unreachable');
  },
};

/** One ServerReflectionInfo stream: writes the requests one at a time, each after the previous answer. */
function reflect(client, requests) {
  return new Promise((resolve, reject) => {
    const call = client.ServerReflectionInfo(metadata(), { deadline: deadline() });
    const responses = [];
    call.on('data', (response) => {
      responses.push(response);
      if (responses.length < requests.length) {
        call.write(requests[responses.length]);
      } else {
        call.end();
      }
    });
    call.on('error', reject);
    call.on('end', () => (responses.length === requests.length
      ? resolve(responses)
      : reject(new Error(`reflection stream ended after ${responses.length} of ${requests.length} answers`))));
    call.write(requests[0]);
  });
}

async function main() {
  const [address, ...names] = process.argv.slice(2);
  const unknown = names.filter((name) => !(name in cases));
  if (!address || names.length === 0 || unknown.length > 0) {
    process.stderr.write(`usage: node client.mjs HOST:PORT CASE...\ncases: ${Object.keys(cases).join(' ')}\n`
      + (unknown.length > 0 ? `unknown: ${unknown.join(' ')}\n` : ''));
    process.exit(2);
  }
  for (const name of names) {
    let result;
    try {
      result = await cases[name](address);
    } catch (error) {
      result = typeof error?.code === 'number' ? { unexpected: failure(error) } : { unexpected: { code: 'SCRIPT', details: String(error?.stack ?? error) } };
    }
    process.stdout.write(`${JSON.stringify({ case: name, ...result })}\n`);
  }
}

await main();
