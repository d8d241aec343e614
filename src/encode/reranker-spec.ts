/** How a collection's schema names a cross-encoder reranker (its `rerankers` section). */
import { z } from 'zod';

/** A cross-encoder a query spec's `crossEncoder` stage can name: a model folder and the stored text it reads. */
export const rerankerSchema = z
  .object({
    type: z.literal('cross-encoder'),
    /** Model folder (Hugging Face layout with onnx/model.onnx); made absolute when the collection is created. */
    path: z.string().min(1),
    /** Stored document properties whose text is paired with the query, joined by a newline. */
    from: z.array(z.string().min(1)).min(1),
    maxLength: z.number().int().min(2).max(8192).optional(),
    batchSize: z.number().int().positive().max(1024).default(32),
    activation: z.enum(['none', 'sigmoid']).default('none'),
    dtype: z.string().min(1).default('fp32'),
  })
  .strict();

/** A cross-encoder reranker of a schema. */
export type RerankerSpec = z.infer<typeof rerankerSchema>;
