/** A fresh database with rooms, history posted through the API, and clients that have joined. */
import path from 'node:path';
import { Client } from 'pg';
import { type BlindedClient, openV4, signedRequest, type PollState, type Sealed } from './client';
import type { Generator, GenJob } from './generate';
import { runNode } from './procs';
import { checkReply, Target } from './target';

const ROOT = path.resolve(__dirname, '../..');

export async function resetDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

/** Creates the rooms with the operator CLI, which also creates the schema. */
export async function addRooms(tokens: string[], env: NodeJS.ProcessEnv): Promise<void> {
  for (const [i, token] of tokens.entries()) {
    await runNode(
      [path.join(ROOT, 'bin/tsogs.js'), '--add-room', token, '--name', `Bench room ${i + 1}`],
      env,
    );
  }
}

/** Sends pre-made requests `concurrency` at a time; throws on the first failure. */
async function sendAll(
  target: Target,
  kind: 'poll' | 'post',
  reqs: Sealed[],
  concurrency: number,
  states?: PollState[],
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < reqs.length) {
      const i = next++;
      const error = checkReply(kind, reqs[i].key, await target.send(reqs[i].frame), states?.[i]);
      if (error) throw new Error(`setup ${kind} ${i}: ${error}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

/**
 * `perRoom` messages in every room from the first clients, at most 4 each per room so the
 * posting rate limit (5 per 16 s) never applies.
 */
async function postHistory(
  gen: Generator,
  target: Target,
  rooms: number,
  perRoom: number,
  clients: number,
) {
  const authors = Math.min(clients, Math.ceil(perRoom / 4));
  const jobs: GenJob[] = [];
  for (let room = 0; room < rooms; room++) {
    for (let m = 0; m < perRoom; m++) jobs.push({ kind: 'post', client: m % authors, room });
  }
  await sendAll(target, 'post', await gen.runAll(jobs), 8);
}

/** Each room's current `message_sequence` and `info_updates`, as a joining client reads them. */
async function roomStates(
  target: Target,
  client: BlindedClient,
  pub: Uint8Array,
  tokens: string[],
): Promise<{ seqno: number; infoUpdates: number }[]> {
  return Promise.all(
    tokens.map(async (token) => {
      const req = signedRequest(client, pub, 'GET', `/room/${token}`);
      const inner = openV4(req.key, (await target.send(req.frame)).body);
      if (inner.code !== 200) throw new Error(`GET /room/${token}: ${inner.code}`);
      const info = JSON.parse(inner.body.toString('utf8')) as Record<string, number>;
      return { seqno: info.message_sequence, infoUpdates: info.info_updates };
    }),
  );
}

/** Every client polls once, so users and room activity exist before anything is measured. */
async function joinClients(gen: Generator, target: Target, states: PollState[]) {
  const jobs: GenJob[] = states.map((state, client) => ({ kind: 'poll', client, state }));
  await sendAll(target, 'poll', await gen.runAll(jobs), 16, states);
}

/**
 * History in every room, then every client joins: returns the clients' poll state, as they
 * would keep it, up to date with the rooms.
 */
export async function populate(
  gen: Generator,
  port: number,
  o: { rooms: number; history: number; clients: number },
  firstClient: BlindedClient,
  pub: Uint8Array,
  tokens: string[],
): Promise<PollState[]> {
  const target = new Target(port, 16);
  try {
    await postHistory(gen, target, o.rooms, o.history, o.clients);
    const rooms = await roomStates(target, firstClient, pub, tokens);
    const states: PollState[] = Array.from({ length: o.clients }, () => ({
      seqnos: rooms.map((r) => r.seqno),
      infoUpdates: rooms.map((r) => r.infoUpdates),
      inbox: 0,
      outbox: 0,
    }));
    await joinClients(gen, target, states);
    return states;
  } finally {
    target.close();
  }
}
