import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CheckpointStore } from './stream-poller.js';

/**
 * Stream checkpoints kept in a JSON file next to the persisted database, so
 * that `npm start` resumes each consumer where it stopped instead of
 * replaying the stream. Written atomically (temp file and rename).
 */
export class FileCheckpointStore implements CheckpointStore {
  private readonly checkpoints: Record<string, string>;

  constructor(private readonly path: string) {
    try {
      this.checkpoints = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
    } catch {
      this.checkpoints = {};
    }
  }

  get(consumer: string, shardId: string): string | undefined {
    return this.checkpoints[`${consumer}/${shardId}`];
  }

  put(consumer: string, shardId: string, sequenceNumber: string): void {
    this.checkpoints[`${consumer}/${shardId}`] = sequenceNumber;
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(`${this.path}.tmp`, JSON.stringify(this.checkpoints, null, 2));
    renameSync(`${this.path}.tmp`, this.path);
  }
}
