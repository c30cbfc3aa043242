import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The service version from package.json (this file runs as dist/src/version.js). */
export const SERVICE_VERSION: string = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }
).version;
