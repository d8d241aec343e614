/**
 * Downloading a transformer model's files (config, tokenizer, ONNX weights, a ColBERT
 * projection when present) from the Hugging Face hub into a local folder that encoders
 * then load offline (`quarry models pull`). Deliberately thin: it fetches the files
 * transformers.js expects and nothing else.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { QuarryError } from '../core/quarry-error.js';
import { noProgress, type ProgressFactory } from '../core/progress.js';
import { transformersModule } from './transformer-model.js';

const REQUIRED = ['config.json', 'tokenizer.json'];
const OPTIONAL = ['tokenizer_config.json', 'special_tokens_map.json', '1_Dense/config.json', '1_Dense/model.safetensors'];

/** Where and which weights to download. */
export interface ModelPullOptions {
  /** Folder the model's folder is made in (`<dir>/<owner>/<name>`). */
  dir: string;
  /** Weights: fp32, fp16, q8 (quantized), ... as the hub's onnx/ folder names them. */
  dtype: string;
  /** Branch, tag or commit on the hub. */
  revision: string;
  /** Reports each file's bytes (default: nothing shown). */
  progress?: ProgressFactory;
}

/** What a pull fetched: the model's folder, its files, and whether an encoder can load it. */
export interface PulledModel {
  model: string;
  dir: string;
  files: string[];
  complete: boolean;
}

/** Downloads model `hubId` (`owner/name`) into `options.dir`; HF_ENDPOINT selects a hub mirror. */
export async function pullModel(hubId: string, options: ModelPullOptions): Promise<PulledModel> {
  const progress = options.progress ?? noProgress;
  if (!/^[\w.-]+\/[\w.-]+$/.test(hubId))
    throw new QuarryError(
      'BAD_ARGUMENT',
      `"${hubId}" is not a hub model id`,
      { field: 'hub-id' },
      'ids look like owner/name, e.g. Xenova/all-MiniLM-L6-v2',
    );
  const t = await transformersModule();
  const env = t.env as unknown as { remoteHost: string; remotePathTemplate: string };
  const target = join(options.dir, hubId);
  const onnx = `onnx/${options.dtype === 'fp32' ? 'model' : `model_${options.dtype === 'q8' ? 'quantized' : options.dtype}`}.onnx`;
  // HF_ENDPOINT selects a hub mirror, as in the Python hub client
  const host = process.env.HF_ENDPOINT ?? env.remoteHost;
  const urlOf = (file: string): string =>
    host.replace(/\/$/, '') +
    '/' +
    env.remotePathTemplate.replace('{model}', hubId).replace('{revision}', encodeURIComponent(options.revision)) +
    file;
  const fetched: string[] = [];
  for (const file of [...REQUIRED, onnx, ...OPTIONAL]) {
    const required = REQUIRED.includes(file) || file === onnx;
    let res: Response;
    try {
      res = await fetch(urlOf(file));
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
      throw new QuarryError(
        'IO',
        `cannot download ${file} of ${hubId}: ${cause}`,
        { field: 'hub-id' },
        'quarry models pull needs internet access; offline, copy a model folder (config.json, tokenizer.json, onnx/model.onnx) and point the encoder path at it',
      );
    }
    if (!res.ok || res.body === null) {
      if (!required && res.status === 404) continue;
      throw new QuarryError(
        'NOT_FOUND',
        `${hubId} has no ${file} (HTTP ${res.status})`,
        { field: 'hub-id' },
        required && file === onnx
          ? 'the model needs an ONNX export in onnx/ (Xenova/... and onnx-community/... models have one); try another --dtype'
          : 'check the id and --revision',
      );
    }
    const dest = join(target, file);
    mkdirSync(dirname(dest), { recursive: true });
    const part = `${dest}.part`;
    const total = Number(res.headers.get('content-length') ?? 0);
    const bar = progress(file, total, 'bytes');
    let got = 0;
    const body = Readable.fromWeb(res.body as unknown as import('node:stream/web').ReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => bar.update((got += chunk.length), got));
    try {
      await pipeline(body, createWriteStream(part));
    } catch (e) {
      rmSync(part, { force: true });
      throw new QuarryError('IO', `download of ${file} failed: ${(e as Error).message}`, { file: dest });
    } finally {
      bar.stop();
    }
    renameSync(part, dest);
    fetched.push(file);
  }
  return {
    model: hubId,
    dir: target,
    files: fetched,
    complete: fetched.includes(onnx) && existsSync(join(target, 'tokenizer.json')),
  };
}
