// Client of the engine worker. Each channel ("sync", "publish", …) keeps only its latest request:
// a request superseded before the worker reaches it is dropped, and a stale answer is never shown.

export class EngineWorker {
  constructor(url) {
    this.url = url;
    this.seq = 0;
    this.pending = new Map(); // id -> { resolve, reject, channel }
    this.latest = new Map(); // channel -> id
    this.queue = [];
    this.busy = false;
    this.failed = null;
    this.start();
  }

  start() {
    this.worker = new Worker(this.url, { type: "module" });
    this.worker.onmessage = (event) => this.onAnswer(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.failed = new Error(`The engine worker could not start (${event.message || "module failed to load"}). Is pkg/ built? Run \`make pkg\` and reload.`);
      for (const [, p] of this.pending) p.reject(this.failed);
      this.pending.clear();
      this.queue = [];
      this.busy = false;
    };
  }

  /** Runs op in the worker. Resolves { stale: true } if a newer request on the same channel superseded it. */
  run(channel, op, policy, request) {
    if (this.failed) return Promise.reject(this.failed);
    const id = ++this.seq;
    this.latest.set(channel, id);
    // Drop queued (not yet started) requests of this channel: they are superseded.
    this.queue = this.queue.filter((job) => {
      if (job.channel !== channel) return true;
      this.pending.get(job.id)?.resolve({ stale: true });
      this.pending.delete(job.id);
      return false;
    });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, channel });
      this.queue.push({ id, channel, message: { id, op, policy, request } });
      this.pump();
    });
  }

  isLatest(channel, id) {
    return this.latest.get(channel) === id;
  }

  pump() {
    if (this.busy || !this.queue.length) return;
    const job = this.queue.shift();
    this.busy = true;
    this.worker.postMessage(job.message);
  }

  onAnswer({ id, ok, result, error, ms }) {
    this.busy = false;
    const p = this.pending.get(id);
    this.pending.delete(id);
    this.pump();
    if (!p) return;
    if (this.latest.get(p.channel) !== id) return p.resolve({ stale: true });
    if (ok) p.resolve({ result, ms });
    else p.resolve({ error });
  }
}
