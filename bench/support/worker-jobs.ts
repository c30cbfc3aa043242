import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/**
 * A bench script's load generator on a worker thread: the script loads itself again as the worker
 * (`new WorkerJobs(__filename, ROLE)`), and there, seeing `isJobWorker(ROLE)`, calls `serveJobs`.
 * The client's request building, JSON parsing and bookkeeping then never run on the event loop of
 * the process being measured.
 */
export class WorkerJobs<Job, Result> {
  private readonly worker: Worker;

  constructor(file: string, role: string) {
    this.worker = new Worker(file, { workerData: { role } });
  }

  /** One job at a time: the worker answers each with one message. */
  run(job: Job): Promise<Result> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: { result?: Result; error?: string }) => {
        this.worker.off('error', onError);
        if (message.result !== undefined) resolve(message.result);
        else reject(new Error(`load worker: ${message.error}`));
      };
      const onError = (error: Error) => {
        this.worker.off('message', onMessage);
        reject(error);
      };
      this.worker.once('message', onMessage);
      this.worker.once('error', onError);
      this.worker.postMessage(job);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** True in the worker thread a WorkerJobs of this role started. */
export function isJobWorker(role: string): boolean {
  return !isMainThread && (workerData as { role?: string } | null)?.role === role;
}

/** In the worker: runs each job posted by WorkerJobs and posts back its result or its error. */
export function serveJobs<Job, Result>(run: (job: Job) => Promise<Result>): void {
  const port = parentPort!;
  port.on('message', (job: Job) => {
    run(job).then(
      (result) => port.postMessage({ result }),
      (error: unknown) => port.postMessage({ error: (error as Error).stack ?? String(error) }),
    );
  });
}
