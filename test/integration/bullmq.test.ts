import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { Queue, Worker, QueueEvents, FlowProducer, type Job } from 'bullmq';
import { startServer, type RunningServer } from '../../src/index.ts';

let server: RunningServer;
let connection: { host: string; port: number };

beforeAll(async () => {
  server = await startServer({ port: 0, log: () => {} });
  connection = { host: server.host, port: server.port };
});

afterAll(async () => {
  await server.close();
});

/** Resolves when `n` jobs completed on the worker, rejects after ms. */
function completions(worker: Worker, n: number, ms = 10_000): Promise<Job[]> {
  return new Promise((resolve, reject) => {
    const done: Job[] = [];
    const t = setTimeout(() => reject(new Error(`only ${done.length}/${n} jobs completed`)), ms);
    worker.on('completed', (job, result) => {
      job.returnvalue = result;
      done.push(job);
      if (done.length === n) {
        clearTimeout(t);
        resolve(done);
      }
    });
  });
}

describe('BullMQ against redmoon', () => {
  test('Queue + Worker with concurrency process every job once', async () => {
    const queue = new Queue('basic', { connection });
    const seen = new Map<string, number>();
    const worker = new Worker(
      'basic',
      async (job) => {
        seen.set(job.id!, (seen.get(job.id!) ?? 0) + 1);
        return job.data.n * 2;
      },
      { connection, concurrency: 5 },
    );
    const done = completions(worker, 20);
    for (let i = 0; i < 20; i++) await queue.add('double', { n: i });
    const jobs = await done;
    expect(jobs.every((j) => j.returnvalue === j.data.n * 2)).toBe(true);
    expect(new Set(jobs.map((j) => j.data.n)).size).toBe(20);
    expect([...seen.values()].every((v) => v === 1)).toBe(true);
    const counts = await queue.getJobCounts('completed', 'waiting', 'active', 'failed');
    expect(counts).toMatchObject({ completed: 20, waiting: 0, active: 0, failed: 0 });
    await worker.close();
    await queue.close();
  });

  test('delayed jobs, retries with backoff, and QueueEvents', async () => {
    const queue = new Queue('retry', { connection });
    const events = new QueueEvents('retry', { connection });
    await events.waitUntilReady();
    let attempts = 0;
    const worker = new Worker(
      'retry',
      async () => {
        attempts++;
        if (attempts < 3) throw new Error('not yet');
        return 'ok';
      },
      { connection },
    );
    const job = await queue.add('flaky', {}, { attempts: 5, backoff: { type: 'fixed', delay: 50 }, delay: 100 });
    const result = await job.waitUntilFinished(events, 10_000);
    expect(result).toBe('ok');
    expect(attempts).toBe(3);
    const fresh = await queue.getJob(job.id!);
    expect(fresh?.attemptsMade).toBe(3);
    await worker.close();
    await events.close();
    await queue.close();
  });

  test('failed jobs keep their reason', async () => {
    const queue = new Queue('fail', { connection });
    const worker = new Worker('fail', async () => {
      throw new Error('boom');
    }, { connection });
    const failed = new Promise<Job>((resolve) => worker.on('failed', (j) => resolve(j!)));
    await queue.add('x', {});
    const j = await failed;
    expect(j.failedReason).toBe('boom');
    expect(await queue.getFailedCount()).toBe(1);
    await worker.close();
    await queue.close();
  });

  test('repeatable jobs run on schedule', async () => {
    const queue = new Queue('repeat', { connection });
    const worker = new Worker('repeat', async () => 'tick', { connection });
    const done = completions(worker, 3, 10_000);
    await queue.upsertJobScheduler('every-100ms', { every: 100 }, { name: 'tick' });
    await done;
    await queue.removeJobScheduler('every-100ms');
    await worker.close();
    await queue.close();
  });

  test('FlowProducer: parent runs after its children', async () => {
    const flow = new FlowProducer({ connection });
    const order: string[] = [];
    const worker = new Worker(
      'flow',
      async (job) => {
        order.push(job.name);
        if (job.name === 'parent') {
          const children = await job.getChildrenValues();
          return Object.values(children).sort().join(',');
        }
        return job.data.v;
      },
      { connection, concurrency: 3 },
    );
    const done = completions(worker, 3);
    await flow.add({
      name: 'parent',
      queueName: 'flow',
      children: [
        { name: 'child', queueName: 'flow', data: { v: 'a' } },
        { name: 'child', queueName: 'flow', data: { v: 'b' } },
      ],
    });
    const jobs = await done;
    expect(order[order.length - 1]).toBe('parent');
    expect(jobs.find((j) => j.name === 'parent')?.returnvalue).toBe('a,b');
    await worker.close();
    await flow.close();
  });
});
