// Node `ws` load generator for the relay: issue 21's method for the relay CPU goals (wss://, device
// tokens, 100 pairs, window 8, the generator a Node `ws` program on the same two cores).
//
//   node relay-load.mjs SETUP.json [--window W] [--seconds S]     closed loop, W frames in flight per pair
//   node relay-load.mjs SETUP.json --rate R [--seconds S]         open loop, R msgs/s spread over the pairs
//
// SETUP.json comes from `./qstcs bench relay-node` (qstcs.bench.relay.RelayNodeBench): the relay's
// wss URL, the KMS CA's certificate in PEM (TLS is verified against it, host name included), the
// relay's PID and each pair's device ids and tokens (enrolled with a real KMS).
//
// Every client is a plain `ws` WebSocket (perMessageDeflate off, as the relay offers no
// extension) and sends each frame with its own ws.send(), so each frame is its own TLS record and
// its own socket write, as a Node client writes them. The frames are those of PairLoad (the Java
// generator of ./qstcs bench relay): a realistic sealed chat frame, its id carrying the pair's
// sequence number, so the receiver checks order and measures latency from just before send() to
// the 'message' event.
//
// The relay's CPU (utime + stime, and stime alone, from /proc/PID/stat at USER_HZ 100) and its read
// and write system calls (syscr, syscw of /proc/PID/io) are read at the start and the end of the
// measured part. Warm-up: 3 s, then 1 s steps until the relay's JIT compiler threads used at most
// 2 % of a core in a step (at most 30 more), as RelayBench warms up: compiling is part of the
// relay's start, not of each message.

import { readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const NONCE = '0123456789abcdef01234567';
const CIPHERTEXT = 'ab'.repeat(116); // a 100-byte message and its 16-byte tag, hex
const RING = 1 << 16;
const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux
const NS_PER_TICK = 1e9 / CLOCK_TICKS_PER_SECOND;

function usage(message) {
  if (message) {
    console.error(`relay-load: ${message}`);
  }
  console.error('Usage: node relay-load.mjs SETUP.json [--window W --seconds S | --rate R --seconds S]');
  process.exit(2);
}

function parseArgs(argv) {
  if (argv.length < 1 || argv[0].startsWith('--')) {
    usage('the setup file comes first');
  }
  const opts = { setup: argv[0], window: 8, seconds: 10, rate: 0 };
  for (let i = 1; i < argv.length; i += 2) {
    const name = argv[i];
    const value = Number(argv[i + 1]);
    if (!['--window', '--seconds', '--rate'].includes(name)) {
      usage(`unknown option '${name}'`);
    }
    if (!Number.isInteger(value) || value < 1) {
      usage(`${name} needs a whole number >= 1`);
    }
    opts[name.slice(2)] = value;
  }
  return opts;
}

// --- the relay's counters (/proc) ---------------------------------------------------------------

function statFields(path) {
  const stat = readFileSync(path, 'utf8');
  // The fields after the command name (which may hold spaces) start after the last ')'.
  return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    fields: stat.slice(stat.lastIndexOf(')') + 2).split(' ') };
}

function relayCounters(pid) {
  const { fields } = statFields(`/proc/${pid}/stat`);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const io = {};
  for (const line of readFileSync(`/proc/${pid}/io`, 'utf8').split('\n')) {
    const [key, value] = line.split(':');
    if (value !== undefined) io[key] = Number(value);
  }
  return { cpuNs: (utime + stime) * NS_PER_TICK, sysNs: stime * NS_PER_TICK, jitNs: compilerNs(pid),
    sleeps: loopSleeps(pid), syscr: io.syscr, syscw: io.syscw, rchar: io.rchar, wchar: io.wchar };
}

/** Times the relay's event-loop threads went to sleep (voluntary context switches): its wake-ups. */
function loopSleeps(pid) {
  let n = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    let status;
    try {
      status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
    } catch {
      continue;
    }
    if (/^Name:\s*relay-loop/m.test(status)) {
      n += Number(/^voluntary_ctxt_switches:\s*(\d+)/m.exec(status)[1]);
    }
  }
  return n;
}

/** CPU time of the relay's C1/C2 compiler threads so far. */
function compilerNs(pid) {
  let ticks = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    let s;
    try {
      s = statFields(`/proc/${pid}/task/${task}/stat`);
    } catch {
      continue; // the thread ended meanwhile
    }
    if (s.name.startsWith('C1 Compiler') || s.name.startsWith('C2 Compiler')) {
      ticks += Number(s.fields[11]) + Number(s.fields[12]);
    }
  }
  return ticks * NS_PER_TICK;
}

// --- latencies -----------------------------------------------------------------------------------

class Latencies {
  constructor() {
    this.ms = new Float64Array(1 << 20);
    this.count = 0;
  }

  add(ms) {
    if (this.count === this.ms.length) {
      const bigger = new Float64Array(this.ms.length * 2);
      bigger.set(this.ms);
      this.ms = bigger;
    }
    this.ms[this.count++] = ms;
  }

  percentile(p) {
    if (this.count === 0) return NaN;
    const sorted = this.ms.slice(0, this.count).sort();
    return sorted[Math.max(0, Math.min(this.count - 1, Math.ceil((p / 100) * this.count) - 1))];
  }
}

// --- the pairs -----------------------------------------------------------------------------------

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens a wss client for one device, registers it with its token and resolves once registered. */
function register(url, ca, device) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { ca, perMessageDeflate: false, handshakeTimeout: 30_000 });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`${device.id}: no 'registered' within 30 s`));
    }, 30_000);
    ws.on('open', () => {
      ws.send(JSON.stringify({ type: 'register', device_id: device.id, token: device.token }));
    });
    const onMessage = (data) => {
      const text = data.toString();
      if (text.startsWith('{"type":"registered"')) {
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve(ws);
      } else if (text.startsWith('{"type":"error"')) {
        clearTimeout(timer);
        ws.terminate();
        reject(new Error(`${device.id}: register refused: ${text}`));
      }
    };
    ws.on('message', onMessage);
    ws.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${device.id}: ${e.message}`));
    });
  });
}

const CHAT = Buffer.from('{"type":"chat"');
const ERROR = Buffer.from('{"type":"error"');
const ID = Buffer.from('"id":"');
// A TLS 1.3 record's bytes beyond its payload: 5-byte header, inner content type, 16-byte AEAD tag;
// the JDK (the relay) also pads every record it writes with 16 zero bytes, OpenSSL (Node) does not.
const NODE_RECORD_BYTES = 22;
const RELAY_RECORD_BYTES = 38;

/** Bytes of a WebSocket frame carrying `length` bytes: header, extended length, mask (client's only). */
function wsFrameBytes(length, masked) {
  return length + (length < 126 ? 2 : length < 65536 ? 4 : 10) + (masked ? 4 : 0);
}

class Load {
  constructor(pairs) {
    this.pairs = pairs;
    this.latencies = new Latencies();
    this.closedLoop = false;
    this.stopped = false;
    this.errors = 0;
    this.closes = 0;
    this.received = 0; // every chat frame received, warm-up included
    this.outOfOrder = 0;
    this.measuring = false;
    // WebSocket bytes through the relay while measuring: what the senders wrote (frames) and what
    // the relay wrote (frames to receivers, acks to senders); TLS adds its records' bytes to these.
    this.bytesIn = 0;
    this.bytesOut = 0;
    const run = Date.now() % 100000; // ids unique across runs, as a client's UUIDs are
    for (const p of pairs) {
      p.sent = 0;
      p.received = 0;
      p.sentAt = new Float64Array(RING);
      p.prefix = `{"type":"chat","id":"n${run}_${p.index}-`;
      p.rest = `","sender":"${p.senderId}","recipient":"${p.receiverId}","key_id":"bench","seq":`;
      p.receiver.on('message', (data) => this.onReceived(p, data));
      p.sender.on('message', (data) => this.onSenderFrame(data));
      for (const ws of [p.sender, p.receiver]) {
        ws.on('close', (code) => {
          if (!this.stopped && this.closes++ < 5) console.error(`relay closed a connection: ${code}`);
        });
      }
    }
  }

  send(p) {
    const seq = p.sent;
    const frame = p.prefix + seq + p.rest + seq + `,"timestamp":1700000000,"nonce":"${NONCE}","ciphertext":"${CIPHERTEXT}"}`;
    p.sentAt[seq & (RING - 1)] = performance.now();
    p.sender.send(frame);
    p.sent = seq + 1;
    if (this.measuring) this.bytesIn += wsFrameBytes(frame.length, true);
  }

  onReceived(p, data) {
    const now = performance.now();
    if (data.length < CHAT.length || data.compare(CHAT, 0, CHAT.length, 0, CHAT.length) !== 0) {
      return; // presence of devices registering
    }
    const id = data.indexOf(ID);
    let i = data.indexOf(45, id + ID.length) + 1; // '-': the sequence number follows
    let seq = 0;
    for (let c = data[i]; c !== 34; c = data[++i]) { // up to the closing '"'
      seq = seq * 10 + (c - 48);
    }
    if (seq !== p.received && this.measuring) {
      this.outOfOrder++;
    }
    p.received++;
    this.received++;
    if (this.measuring) {
      this.latencies.add(now - p.sentAt[seq & (RING - 1)]);
      this.bytesOut += wsFrameBytes(data.length, false);
    }
    if (this.closedLoop && !this.stopped) {
      this.send(p);
    }
  }

  onSenderFrame(data) {
    if (this.measuring) this.bytesOut += wsFrameBytes(data.length, false);
    // Acks are dropped; an error is shown (the first few).
    if (data.length >= ERROR.length && data.compare(ERROR, 0, ERROR.length, 0, ERROR.length) === 0
        && this.errors++ < 5) {
      console.error(`relay error: ${data.toString()}`);
    }
  }

  sent() {
    let n = 0;
    for (const p of this.pairs) n += p.sent;
    return n;
  }

  startClosedLoop(window) {
    this.closedLoop = true;
    for (const p of this.pairs) {
      for (let i = 0; i < window; i++) this.send(p);
    }
  }

  /**
   * Open loop at `rate` msgs/s, frame k going to pair k mod pairs. Paced by the clock, not by
   * counting timer calls: every tick sends the frames that process.hrtime.bigint() says are due
   * since the start, so a late timer is caught up, never lost. The ticks are setTimeout(…, 1)
   * (Node's timers have 1 ms resolution; one fires every ~1.1 ms), so frames leave in small bursts
   * of about rate/1000 (10 at 10,000 msgs/s), each on another pair's socket and in its own write.
   * A setImmediate busy loop would pace finer but take a core the relay needs on two cores.
   */
  startOpenLoop(rate) {
    const start = process.hrtime.bigint();
    const rateBig = BigInt(rate);
    let k = 0;
    const tick = () => {
      if (this.stopped) return;
      const due = Number(((process.hrtime.bigint() - start) * rateBig) / 1_000_000_000n);
      for (; k < due; k++) {
        this.send(this.pairs[k % this.pairs.length]);
      }
      setTimeout(tick, 1);
    };
    tick();
  }
}

// --- the run -------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const setup = JSON.parse(readFileSync(opts.setup, 'utf8'));
  const { url, ca, relayPid } = setup;
  console.log(`node ws generator: ${setup.pairs.length} pairs (${2 * setup.pairs.length} wss clients, ws `
    + `${JSON.parse(readFileSync(new URL('./node_modules/ws/package.json', import.meta.url))).version}, `
    + `perMessageDeflate off, TLS verified against the KMS's CA), Node ${process.version}, relay pid ${relayPid}`);

  // Registration: receiver first, then sender, as PairLoad does; 16 pairs at a time.
  const pairs = setup.pairs.map((p, index) => ({ index, senderId: p.sender.id, receiverId: p.receiver.id }));
  for (let i = 0; i < pairs.length; i += 16) {
    await Promise.all(pairs.slice(i, i + 16).map(async (p, j) => {
      const d = setup.pairs[i + j];
      p.receiver = await register(url, ca, d.receiver);
      p.sender = await register(url, ca, d.sender);
    }));
  }
  await sleep(500); // the last presence frames of the registrations
  const load = new Load(pairs);

  if (opts.rate > 0) {
    load.startOpenLoop(opts.rate);
  } else {
    load.startClosedLoop(opts.window);
  }
  // Warm-up: 3 s, then 1 s steps until the relay's compiler threads are nearly idle.
  await sleep(3000);
  let warm = 3;
  while (warm < 33) {
    const jit0 = compilerNs(relayPid);
    await sleep(1000);
    warm++;
    if (compilerNs(relayPid) - jit0 <= 20_000_000) break;
  }

  const sent0 = load.sent();
  const received0 = load.received;
  const relay0 = relayCounters(relayPid);
  const node0 = process.cpuUsage();
  const t0 = performance.now();
  load.measuring = true;
  await sleep(opts.seconds * 1000);
  const elapsedMs = performance.now() - t0;
  const node = process.cpuUsage(node0);
  const relay1 = relayCounters(relayPid);
  const received = load.received - received0;
  const sent = load.sent() - sent0;
  load.measuring = false;

  // Stop sending and let what is in flight arrive (up to 10 s).
  load.stopped = true;
  const deadline = performance.now() + 10_000;
  while (load.received < load.sent() && performance.now() < deadline) {
    await sleep(5);
  }
  const lost = load.sent() - load.received;

  const m = Math.max(1, received);
  const us = (ns) => (ns / 1000 / m).toFixed(1);
  const ms = (p) => load.latencies.percentile(p).toFixed(2);
  console.log(opts.rate > 0
    ? `open loop   ${opts.rate.toLocaleString('en-US')} msgs/s spread over ${pairs.length} pairs, ${opts.seconds} s measured (after ${warm} s of warm-up at that rate)`
    : `closed loop ${pairs.length} pairs, ${opts.window} in flight each, ${opts.seconds} s measured (after ${warm} s of warm-up)`);
  console.log(`  delivered        ${Math.round((received * 1000) / elapsedMs).toLocaleString('en-US')} msgs/s`
    + `   (sent ${sent.toLocaleString('en-US')}, received ${received.toLocaleString('en-US')} in the measured part;`
    + ` lost ${lost.toLocaleString('en-US')} over the whole run, out of order ${load.outOfOrder})`);
  console.log(`  latency          p50 ${ms(50)} ms   p99 ${ms(99)} ms   p99.9 ${ms(99.9)} ms   max ${ms(100)} ms`);
  console.log(`  relay CPU        ${us(relay1.cpuNs - relay0.cpuNs)} µs per message, `
    + `${(((relay1.cpuNs - relay0.cpuNs) / 1e6 / elapsedMs) * 100).toFixed(0)} % of one core`
    + ` (user+system, whole relay process; JIT compiler threads ${us(relay1.jitNs - relay0.jitNs)} µs of it;`
    + ` kernel ${us(relay1.sysNs - relay0.sysNs)} µs of it)`);
  console.log(`  relay syscalls   ${((relay1.syscr - relay0.syscr) / m).toFixed(2)} reads + `
    + `${((relay1.syscw - relay0.syscw) / m).toFixed(2)} writes per message (/proc/PID/io);`
    + ` its event loop slept ${((relay1.sleeps - relay0.sleeps) / m).toFixed(2)} times per message`);
  // The relay's socket bytes beyond the WebSocket frames are TLS records' overhead: records per message.
  const recordsIn = ((relay1.rchar - relay0.rchar) - load.bytesIn) / NODE_RECORD_BYTES / m;
  const recordsOut = ((relay1.wchar - relay0.wchar) - load.bytesOut) / RELAY_RECORD_BYTES / m;
  console.log(`  relay TLS        about ${recordsIn.toFixed(2)} records read + ${recordsOut.toFixed(2)} written per message`
    + ` (the relay's socket bytes, rchar and wchar of /proc/PID/io, beyond the WebSocket frames:`
    + ` ${NODE_RECORD_BYTES} bytes per record from Node, ${RELAY_RECORD_BYTES} per record from the relay)`);
  console.log(`  node CPU         ${us((node.user + node.system) * 1000)} µs per message`
    + ` (this Node process, both clients of a pair; kernel ${us(node.system * 1000)} µs of it)`);

  for (const p of pairs) {
    p.sender.terminate();
    p.receiver.terminate();
  }
  if (lost > 0 || load.errors > 0) {
    process.exitCode = 1;
    console.error(`relay-load: ${lost} frames lost, ${load.errors} errors from the relay`);
  }
}

main().catch((e) => {
  console.error(`relay-load: ${e.message}`);
  process.exit(1);
});
