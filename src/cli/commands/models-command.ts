/**
 * `quarry models pull <hub-id>`: downloads a transformer model's files (config,
 * tokenizer, ONNX weights, a ColBERT projection when present) from the Hugging
 * Face hub into a local folder that encoders then load offline. Deliberately thin:
 * it fetches the files transformers.js expects and nothing else.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { pullModel } from '../../encode/model-pull.js';
import { guarded } from '../command-options.js';
import { terminalProgress } from '../progress.js';

/** Where pulled models go unless --dir says otherwise. */
function defaultModelsDir(): string {
  return process.env.QUARRY_MODELS_DIR ?? join(homedir(), '.cache', 'quarry', 'models');
}

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
        const result = await pullModel(hubId, {
          dir: flags.dir ?? defaultModelsDir(),
          dtype: flags.dtype,
          revision: flags.revision,
          progress: terminalProgress(flags.json === true),
        });
        process.stdout.write(
          flags.json ? JSON.stringify(result) + '\n' : `downloaded ${result.files.length} files of ${hubId} to ${result.dir}\n`,
        );
      }),
    );
}
