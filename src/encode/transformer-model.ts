/**
 * Loads a transformer (tokenizer + ONNX model) from a local folder with
 * @huggingface/transformers on onnxruntime-node, fully offline: config.json,
 * tokenizer.json (+ tokenizer_config.json) and onnx/model*.onnx, as the Hugging
 * Face hub lays them out. The package is an optional peer dependency, imported
 * only when a transformer encoder is used.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { QuarryError } from '../core/quarry-error.js';
import { readJsonFile } from '../io/json-file.js';

/** The parts of @huggingface/transformers the encoders use (typed loosely: it ships no strict types for them). */
export interface TransformersModule {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string; cacheDir: string | null };
  AutoTokenizer: { from_pretrained(id: string, opts?: Record<string, unknown>): Promise<HfTokenizer> };
  AutoModel: ModelClass;
  AutoModelForMaskedLM: ModelClass;
  AutoModelForSequenceClassification: ModelClass;
}

interface ModelClass {
  from_pretrained(id: string, opts?: Record<string, unknown>): Promise<HfModel>;
}

/** A tensor as transformers.js returns it. */
export interface HfTensor {
  dims: number[];
  data: Float32Array | BigInt64Array | Int32Array;
}

/** A tokenizer call: texts (and optional second texts) to padded id tensors. */
export interface HfTokenizer {
  (texts: string | string[], opts?: Record<string, unknown>): { input_ids: HfTensor; attention_mask: HfTensor; token_type_ids?: HfTensor };
  model: { vocab: string[] | Map<string, number> | Record<string, number> };
  all_special_ids?: number[];
  mask_token_id?: number | null;
  model_max_length?: number;
  convert_ids_to_tokens?(ids: number[]): string[];
}

/** A model call: named input tensors to named output tensors. */
export interface HfModel {
  (inputs: Record<string, HfTensor>): Promise<Record<string, HfTensor>>;
  dispose?(): Promise<unknown>;
}

let transformers: Promise<TransformersModule> | null = null;

/** Imports @huggingface/transformers once, with a clear error when it is not installed. */
export function transformersModule(): Promise<TransformersModule> {
  transformers ??= import('@huggingface/transformers').then(
    (m) => m as unknown as TransformersModule,
    (e: unknown) => {
      transformers = null;
      throw new QuarryError(
        'BAD_ARGUMENT',
        `transformer encoders need the package @huggingface/transformers (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`,
        { field: 'encoder' },
        'npm install @huggingface/transformers@3',
      );
    },
  );
  return transformers;
}

/** Which model head to load. */
export type ModelHead = 'base' | 'masked-lm' | 'sequence-classification';

/** A loaded model folder. */
export interface TransformerModel {
  folder: string;
  tokenizer: HfTokenizer;
  model: HfModel;
  /** config.json as read. */
  config: Record<string, unknown>;
}

// transformers.js resolves local models against one global folder setting, so loads are serialized.
let loading: Promise<unknown> = Promise.resolve();

/**
 * Loads the tokenizer and the ONNX model of `folder` (no network). `dtype` picks the
 * ONNX file as transformers.js names them: fp32 = onnx/model.onnx, q8 = model_quantized.onnx, fp16, ...
 */
export async function loadTransformerModel(folder: string, head: ModelHead, dtype = 'fp32'): Promise<TransformerModel> {
  const dir = resolve(folder);
  const need = ['config.json', 'tokenizer.json'];
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new QuarryError(
      'NOT_FOUND',
      `model folder ${dir} does not exist`,
      { field: 'encoder.path' },
      'download the model (quarry models pull <hub-id>) or point path at a folder with config.json, tokenizer.json and onnx/model.onnx',
    );
  for (const f of need)
    if (!existsSync(join(dir, f)))
      throw new QuarryError(
        'BAD_INPUT',
        `model folder ${dir} has no ${f}`,
        { file: join(dir, f) },
        'a transformer folder needs config.json, tokenizer.json and onnx/model.onnx (Hugging Face layout)',
      );
  const onnxName = dtype === 'fp32' ? 'model.onnx' : `model_${dtype === 'q8' ? 'quantized' : dtype}.onnx`;
  if (!existsSync(join(dir, 'onnx', onnxName)))
    throw new QuarryError(
      'BAD_INPUT',
      `model folder ${dir} has no onnx/${onnxName}`,
      { file: join(dir, 'onnx', onnxName) },
      'export the model to ONNX (e.g. with optimum) or choose a dtype whose file exists',
    );
  const t = await transformersModule();
  const run = async (): Promise<TransformerModel> => {
    t.env.allowRemoteModels = false;
    t.env.allowLocalModels = true;
    t.env.localModelPath = dirname(dir) + '/';
    const id = basename(dir);
    const cls =
      head === 'masked-lm'
        ? t.AutoModelForMaskedLM
        : head === 'sequence-classification'
          ? t.AutoModelForSequenceClassification
          : t.AutoModel;
    try {
      const tokenizer = await t.AutoTokenizer.from_pretrained(id, { local_files_only: true });
      const model = await cls.from_pretrained(id, { local_files_only: true, dtype, device: 'cpu' });
      return { folder: dir, tokenizer, model, config: readJsonFile(join(dir, 'config.json'), 'model config') as Record<string, unknown> };
    } catch (e) {
      if (e instanceof QuarryError) throw e;
      throw new QuarryError(
        'BAD_INPUT',
        `cannot load the model in ${dir}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
        { file: dir },
        'check that config.json names the architecture (model_type) and that the ONNX file matches it',
      );
    }
  };
  const next = loading.then(run, run);
  loading = next.catch(() => undefined);
  return next;
}
