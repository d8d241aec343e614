/**
 * `quarry models pull <hub-id>`: downloads a transformer model's files (config,
 * tokenizer, ONNX weights, a ColBERT projection when present) from the Hugging
 * Face hub into a local folder that encoders then load offline. Deliberately thin:
 * it fetches the files transformers.js expects and nothing else.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { QuarryError } from '../../core/quarry-error.js';
import { transformersModule } from '../../encode/transformer-model.js';
import { guarded } from '../command-options.js';
import { createProgress } from '../progress.js';

/** Where pulled models go unless --dir says otherwise. */
export function defaultModelsDir(): string {
  return process.env.QUARRY_MODELS_DIR ?? join(homedir(), '.cache', 'quarry', 'models');
}

const REQUIRED = ['config.json', 'tokenizer.json'];
const OPTIONAL = ['tokenizer_config.json', 'special_tokens_map.json', '1_Dense/config.json', '1_Dense/model.safetensors'];

/** Registers `quarry models`. */
export function registerModels(program: Command): void {
  const models = program.command('models').description('transformer models for encoders: download into a local folder');
  models
    .command('pull')
    .description('download a model (config, tokenizer, ONNX weights) from the Hugging Face hub for offline use')
    .argument('<hub-id>', 'model id on the hub, e.g. Xenova/bge-small-en-v1.5')
    .option('--dir <dir>', `models folder (default ${defaultModelsDir()}, or QUARRY_MODELS_DIR)`)
    .option('--dtype <dtype>', 'ONNX variant: fp32 (onnx/model.onnx), q8 (model_quantized.onnx), fp16, ...', 'fp32')
    .option('--revision <rev>', 'hub revision (branch, tag or commit)', 'main')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Example:
  $ quarry models pull Xenova/bge-small-en-v1.5 --dtype q8
  then name the folder in a schema: {"encoder": {"type": "transformer", "path": "~/.cache/quarry/models/Xenova/bge-small-en-v1.5"}}
Needs internet access (HF_ENDPOINT selects a mirror); on an offline machine, copy a model folder instead.`,
    )
    .action(
      guarded(async (hubId: string, flags: { dir?: string; dtype: string; revision: string; json?: boolean }) => {
        if (!/^[\w.-]+\/[\w.-]+$/.test(hubId))
          throw new QuarryError(
            'BAD_ARGUMENT',
            `"${hubId}" is not a hub model id`,
            { field: 'hub-id' },
            'ids look like owner/name, e.g. Xenova/all-MiniLM-L6-v2',
          );
        const t = await transformersModule();
        const env = t.env as unknown as { remoteHost: string; remotePathTemplate: string };
        const target = join(flags.dir ?? defaultModelsDir(), hubId);
        const onnx = `onnx/${flags.dtype === 'fp32' ? 'model' : `model_${flags.dtype === 'q8' ? 'quantized' : flags.dtype}`}.onnx`;
        // HF_ENDPOINT selects a hub mirror, as in the Python hub client
        const host = process.env.HF_ENDPOINT ?? env.remoteHost;
        const urlOf = (file: string): string =>
          host.replace(/\/$/, '') +
          '/' +
          env.remotePathTemplate.replace('{model}', hubId).replace('{revision}', encodeURIComponent(flags.revision)) +
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
          const bar = createProgress(file, total, 'bytes', flags.json === true);
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
        const result = {
          model: hubId,
          dir: target,
          files: fetched,
          complete: fetched.includes(onnx) && existsSync(join(target, 'tokenizer.json')),
        };
        process.stdout.write(flags.json ? JSON.stringify(result) + '\n' : `downloaded ${fetched.length} files of ${hubId} to ${target}\n`);
      }),
    );
}
