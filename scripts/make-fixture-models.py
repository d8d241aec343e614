#!/usr/bin/python3
"""Regenerates the tiny random-weight transformer fixtures in test/fixtures/models.

Five models with the real input/output contracts of Hugging Face BERT exports
(input_ids, attention_mask, token_type_ids -> last_hidden_state or logits):

  tiny-bert            encoder (dense pooling, ColBERT-style token vectors)
  tiny-bert-mlm        masked-LM head (SPLADE)
  tiny-colbert         encoder + a 1_Dense/model.safetensors linear projection (PyLate layout)
  tiny-unicoil         one weight per token (uniCOIL-style learned sparse, no expansion)
  tiny-cross-encoder   sequence classification with one logit (reranking)

They share a WordPiece vocabulary built from the bundled CACM collection, and each
folder gets reference.json: token ids from an independent WordPiece implementation
below and the outputs torch computes for them, which the tests compare with what the
ONNX runtime produces. Weights are random (seeded): the fixtures test machinery, not
relevance.

Needs Debian's python3-torch and python3-onnx (apt-get install python3-torch
python3-onnx); run as /usr/bin/python3 scripts/make-fixture-models.py.
"""
import collections
import json
import math
import os
import re
import struct

import torch
from torch import nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'models')
HIDDEN, LAYERS, HEADS, INTERMEDIATE, MAX_POS, PROJ = 32, 2, 2, 64, 64, 16
SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
PUNCT = list('.,;:!?()-\'"/')
TEXTS = [
    'Time sharing systems for IBM computers',
    'an algorithm, for sorting: quicksort?',
    'Parsing of programming languages',
    'zzqx unknownword 1958',
]
PAIRS = [['time sharing', 'Time sharing systems for IBM computers'], ['sorting', 'Parsing of programming languages']]


def build_vocab():
    counts = collections.Counter()
    for name in ('corpus.jsonl', 'queries.jsonl'):
        with open(os.path.join(ROOT, 'data', 'cacm', name), encoding='utf-8') as f:
            for line in f:
                doc = json.loads(line)
                counts.update(re.findall(r'[a-z]+', (doc.get('title', '') + ' ' + doc['text']).lower()))
    letters = list('abcdefghijklmnopqrstuvwxyz0123456789')
    vocab = SPECIAL + letters + PUNCT + ['##' + c for c in letters]
    seen = set(vocab)
    for word, _ in counts.most_common(700):
        if len(word) > 1 and word not in seen:
            vocab.append(word)
            seen.add(word)
    return vocab


def wordpiece(text, vocab_ids):
    """BERT basic tokenization (lowercase, split on whitespace and punctuation) + greedy WordPiece."""
    ids = [vocab_ids['[CLS]']]
    for word in re.findall(r'[a-z0-9]+|[^\sa-z0-9]', text.lower()):
        start, pieces = 0, []
        while start < len(word):
            end, found = len(word), None
            while start < end:
                piece = ('##' if start > 0 else '') + word[start:end]
                if piece in vocab_ids:
                    found = piece
                    break
                end -= 1
            if found is None:
                pieces = ['[UNK]']
                break
            pieces.append(found)
            start = end
        ids.extend(vocab_ids[p] for p in pieces)
    ids.append(vocab_ids['[SEP]'])
    return ids


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(HIDDEN, HIDDEN) for _ in range(4))
        self.ln1, self.ln2 = nn.LayerNorm(HIDDEN, eps=1e-12), nn.LayerNorm(HIDDEN, eps=1e-12)
        self.ff1, self.ff2 = nn.Linear(HIDDEN, INTERMEDIATE), nn.Linear(INTERMEDIATE, HIDDEN)

    def forward(self, x, bias):
        b, t, _ = x.shape
        d = HIDDEN // HEADS
        split = lambda y: y.view(b, t, HEADS, d).transpose(1, 2)
        att = torch.softmax(split(self.q(x)) @ split(self.k(x)).transpose(-1, -2) / math.sqrt(d) + bias, dim=-1)
        ctx = (att @ split(self.v(x))).transpose(1, 2).reshape(b, t, HIDDEN)
        x = self.ln1(x + self.o(ctx))
        return self.ln2(x + self.ff2(nn.functional.gelu(self.ff1(x))))


class Encoder(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.word, self.pos, self.typ = nn.Embedding(vocab_size, HIDDEN), nn.Embedding(MAX_POS, HIDDEN), nn.Embedding(2, HIDDEN)
        self.ln = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))

    def forward(self, input_ids, attention_mask, token_type_ids):
        positions = torch.arange(input_ids.shape[1]).unsqueeze(0)
        x = self.ln(self.word(input_ids) + self.pos(positions) + self.typ(token_type_ids))
        bias = (1.0 - attention_mask[:, None, None, :].float()) * -10000.0
        for layer in self.layers:
            x = layer(x, bias)
        return x


class MaskedLM(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.encoder = Encoder(vocab_size)
        self.transform, self.ln, self.decoder = nn.Linear(HIDDEN, HIDDEN), nn.LayerNorm(HIDDEN, eps=1e-12), nn.Linear(HIDDEN, vocab_size)

    def forward(self, input_ids, attention_mask, token_type_ids):
        h = self.encoder(input_ids, attention_mask, token_type_ids)
        return self.decoder(self.ln(nn.functional.gelu(self.transform(h))))


class TermWeights(nn.Module):
    """uniCOIL-style: one weight per input token, no expansion."""

    def __init__(self, vocab_size):
        super().__init__()
        self.encoder = Encoder(vocab_size)
        self.head = nn.Linear(HIDDEN, 1)

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.head(self.encoder(input_ids, attention_mask, token_type_ids))


class Classifier(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.encoder = Encoder(vocab_size)
        self.pooler, self.head = nn.Linear(HIDDEN, HIDDEN), nn.Linear(HIDDEN, 1)

    def forward(self, input_ids, attention_mask, token_type_ids):
        h = self.encoder(input_ids, attention_mask, token_type_ids)
        return self.head(torch.tanh(self.pooler(h[:, 0])))


def tokenizer_json(vocab):
    ids = {t: i for i, t in enumerate(vocab)}
    special = lambda t: {'SpecialToken': {'id': t, 'type_id': 0}}
    return {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': [{'id': ids[t], 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True} for t in SPECIAL],
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True, 'strip_accents': None, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [special('[CLS]'), {'Sequence': {'id': 'A', 'type_id': 0}}, special('[SEP]')],
            'pair': [special('[CLS]'), {'Sequence': {'id': 'A', 'type_id': 0}}, special('[SEP]'), {'Sequence': {'id': 'B', 'type_id': 1}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}],
            'special_tokens': {t: {'id': t, 'ids': [ids[t]], 'tokens': [t]} for t in ('[CLS]', '[SEP]')},
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##', 'max_input_chars_per_word': 100, 'vocab': ids},
    }


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().numpy().astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b' ' * ((8 - len(text) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))


def inputs_for(id_lists, pairs_types=None):
    width = max(len(ids) for ids in id_lists)
    input_ids = torch.tensor([ids + [0] * (width - len(ids)) for ids in id_lists])
    mask = torch.tensor([[1] * len(ids) + [0] * (width - len(ids)) for ids in id_lists])
    types = torch.tensor([t + [0] * (width - len(t)) for t in pairs_types]) if pairs_types else torch.zeros_like(input_ids)
    return input_ids, mask, types


def save(name, model, vocab, config, output_name, reference):
    folder = os.path.join(OUT, name)
    os.makedirs(os.path.join(folder, 'onnx'), exist_ok=True)
    with open(os.path.join(folder, 'config.json'), 'w') as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(folder, 'tokenizer.json'), 'w') as f:
        json.dump(tokenizer_json(vocab), f)
    with open(os.path.join(folder, 'tokenizer_config.json'), 'w') as f:
        json.dump({'tokenizer_class': 'BertTokenizer', 'do_lower_case': True, 'model_max_length': MAX_POS, 'cls_token': '[CLS]', 'sep_token': '[SEP]', 'pad_token': '[PAD]', 'unk_token': '[UNK]', 'mask_token': '[MASK]'}, f, indent=2)
    example = inputs_for([[2, 10, 3]])
    torch.onnx.export(
        model, example, os.path.join(folder, 'onnx', 'model.onnx'), opset_version=14,
        input_names=['input_ids', 'attention_mask', 'token_type_ids'], output_names=[output_name],
        dynamic_axes={'input_ids': {0: 'batch', 1: 'sequence'}, 'attention_mask': {0: 'batch', 1: 'sequence'}, 'token_type_ids': {0: 'batch', 1: 'sequence'}, output_name: {0: 'batch', 1: 'sequence'}},
    )
    with open(os.path.join(folder, 'reference.json'), 'w') as f:
        json.dump(reference, f)


def main():
    torch.manual_seed(20261126)
    vocab = build_vocab()
    ids = {t: i for i, t in enumerate(vocab)}
    base = {'vocab_size': len(vocab), 'hidden_size': HIDDEN, 'num_hidden_layers': LAYERS, 'num_attention_heads': HEADS, 'intermediate_size': INTERMEDIATE,
            'max_position_embeddings': MAX_POS, 'type_vocab_size': 2, 'pad_token_id': 0, 'hidden_act': 'gelu', 'layer_norm_eps': 1e-12}
    singles = [wordpiece(t, ids) for t in TEXTS]
    batch = inputs_for(singles)
    with torch.no_grad():
        enc = Encoder(len(vocab)).eval()
        hidden = enc(*batch)
        ref = {'texts': TEXTS, 'input_ids': singles, 'last_hidden_state': [hidden[i, :len(s)].tolist() for i, s in enumerate(singles)]}
        save('tiny-bert', enc, vocab, {**base, 'model_type': 'bert', 'architectures': ['BertModel']}, 'last_hidden_state', ref)

        mlm = MaskedLM(len(vocab)).eval()
        logits = mlm(*batch)
        ref = {'texts': TEXTS, 'input_ids': singles, 'logits': [logits[i, :len(s)].tolist() for i, s in enumerate(singles)]}
        save('tiny-bert-mlm', mlm, vocab, {**base, 'model_type': 'bert', 'architectures': ['BertForMaskedLM']}, 'logits', ref)

        colbert = Encoder(len(vocab)).eval()
        projection = nn.Linear(HIDDEN, PROJ, bias=False)
        hidden = colbert(*batch)
        projected = projection(hidden)
        ref = {'texts': TEXTS, 'input_ids': singles, 'projected': [projected[i, :len(s)].tolist() for i, s in enumerate(singles)]}
        save('tiny-colbert', colbert, vocab, {**base, 'model_type': 'bert', 'architectures': ['BertModel']}, 'last_hidden_state', ref)
        os.makedirs(os.path.join(OUT, 'tiny-colbert', '1_Dense'), exist_ok=True)
        write_safetensors(os.path.join(OUT, 'tiny-colbert', '1_Dense', 'model.safetensors'), {'linear.weight': projection.weight})
        with open(os.path.join(OUT, 'tiny-colbert', '1_Dense', 'config.json'), 'w') as f:
            json.dump({'in_features': HIDDEN, 'out_features': PROJ, 'bias': False, 'activation_function': 'torch.nn.modules.linear.Identity'}, f, indent=2)

        unicoil = TermWeights(len(vocab)).eval()
        weights = unicoil(*batch)
        ref = {'texts': TEXTS, 'input_ids': singles, 'logits': [weights[i, :len(s), 0].tolist() for i, s in enumerate(singles)]}
        save('tiny-unicoil', unicoil, vocab, {**base, 'model_type': 'bert', 'architectures': ['BertModel']}, 'logits', ref)

        cross = Classifier(len(vocab)).eval()
        pair_ids, pair_types = [], []
        for q, d in PAIRS:
            a, b = wordpiece(q, ids), wordpiece(d, ids)[1:]
            pair_ids.append(a + b)
            pair_types.append([0] * len(a) + [1] * len(b))
        scores = cross(*inputs_for(pair_ids, pair_types))
        ref = {'pairs': PAIRS, 'input_ids': pair_ids, 'token_type_ids': pair_types, 'logits': scores[:, 0].tolist()}
        save('tiny-cross-encoder', cross, vocab, {**base, 'model_type': 'bert', 'architectures': ['BertForSequenceClassification'], 'num_labels': 1,
                                                  'id2label': {'0': 'LABEL_0'}, 'label2id': {'LABEL_0': 0}}, 'logits', ref)
    print(f'wrote 5 models with a {len(vocab)}-token vocabulary to {OUT}')


if __name__ == '__main__':
    main()
