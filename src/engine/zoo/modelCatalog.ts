// The catalog of known base models: Hugging Face encoders fetched on first use, and the models that
// ship inside npm packages (offline). Facts here were written without network access: the hub
// entries carry no sha256 and no exact file sizes (the download checks the SHA-256 and size the
// server announces for large files instead); parameter counts follow from each model's published
// configuration (vocabulary, hidden size, layers), and sizes on disk are estimates (4 bytes per F32
// weight plus the tokenizer). Built-in entries were read from the installed packages.

import type { CatalogEntry, CatalogFile } from './catalogTypes';

/** What a BERT-family text model needs: config, weights, a tokenizer (tokenizer.json and/or vocab.txt). */
function textFiles(tokenizer: 'wordpiece' | 'bpe'): CatalogFile[] {
  const files: CatalogFile[] = [
    { name: 'config.json', required: true },
    { name: 'tokenizer.json', required: false },
    { name: 'tokenizer_config.json', required: false },
    { name: 'special_tokens_map.json', required: false },
  ];
  if (tokenizer === 'wordpiece') files.push({ name: 'vocab.txt', required: false });
  else files.push({ name: 'vocab.json', required: false }, { name: 'merges.txt', required: false });
  files.push({ name: 'model.safetensors', required: true });
  return files;
}

const WORDPIECE_TOKENIZER = [['tokenizer.json', 'vocab.txt']];
const BPE_TOKENIZER = [['tokenizer.json']];

/** Estimated bytes on disk of an F32 checkpoint plus its tokenizer files. */
function estimate(params: number, tokenizerBytes: number): number {
  return params * 4 + tokenizerBytes;
}

export const MODEL_CATALOG: readonly CatalogEntry[] = [
  {
    id: 'prajjwal1/bert-tiny',
    aliases: [],
    architecture: 'bert',
    task: 'text-classification',
    params: 4_385_920, // L=2, H=128, A=2, intermediate 512, vocab 30522, with pooler
    approxBytes: estimate(4_385_920, 232_000),
    licence: 'mit',
    description: 'BERT tiny (2 layers, hidden 128), uncased: fast to fine-tune, a first try',
    source: { kind: 'hub', repo: 'prajjwal1/bert-tiny', revision: 'main', oneOf: WORDPIECE_TOKENIZER },
    files: textFiles('wordpiece'),
  },
  {
    id: 'prajjwal1/bert-mini',
    aliases: [],
    architecture: 'bert',
    task: 'text-classification',
    params: 11_170_560, // L=4, H=256, A=4, intermediate 1024, vocab 30522, with pooler
    approxBytes: estimate(11_170_560, 232_000),
    licence: 'mit',
    description: 'BERT mini (4 layers, hidden 256), uncased',
    source: { kind: 'hub', repo: 'prajjwal1/bert-mini', revision: 'main', oneOf: WORDPIECE_TOKENIZER },
    files: textFiles('wordpiece'),
  },
  {
    id: 'google/bert_uncased_L-4_H-256_A-4',
    aliases: [],
    architecture: 'bert',
    task: 'text-classification',
    params: 11_170_560, // same shape as bert-mini, Google's original release
    approxBytes: estimate(11_170_560, 232_000),
    licence: 'apache-2.0',
    description: "Google's BERT mini (4 layers, hidden 256), uncased",
    source: { kind: 'hub', repo: 'google/bert_uncased_L-4_H-256_A-4', revision: 'main', oneOf: WORDPIECE_TOKENIZER },
    files: textFiles('wordpiece'),
  },
  {
    id: 'sentence-transformers/all-MiniLM-L6-v2',
    aliases: [],
    architecture: 'bert',
    task: 'text-classification',
    params: 22_713_216, // L=6, H=384, A=12, intermediate 1536, vocab 30522, with pooler
    approxBytes: estimate(22_713_216, 700_000),
    licence: 'apache-2.0',
    description: 'MiniLM L6 (6 layers, hidden 384) trained for sentence embeddings: strong for its size',
    source: { kind: 'hub', repo: 'sentence-transformers/all-MiniLM-L6-v2', revision: 'main', oneOf: WORDPIECE_TOKENIZER },
    files: textFiles('wordpiece'),
  },
  {
    id: 'distilbert-base-uncased',
    aliases: ['distilbert/distilbert-base-uncased'],
    architecture: 'distilbert',
    task: 'text-classification',
    params: 66_362_880, // L=6, H=768, A=12, intermediate 3072, vocab 30522, no pooler
    approxBytes: estimate(66_362_880, 700_000),
    licence: 'apache-2.0',
    description: 'DistilBERT base (6 layers, hidden 768), uncased',
    source: { kind: 'hub', repo: 'distilbert/distilbert-base-uncased', revision: 'main', oneOf: WORDPIECE_TOKENIZER },
    files: textFiles('wordpiece'),
  },
  {
    id: 'roberta-base',
    aliases: ['FacebookAI/roberta-base'],
    architecture: 'roberta',
    task: 'text-classification',
    params: 124_645_632, // L=12, H=768, A=12, intermediate 3072, vocab 50265, 514 positions, with pooler
    approxBytes: estimate(124_645_632, 2_800_000),
    licence: 'mit',
    description: 'RoBERTa base (12 layers, hidden 768), cased byte-level BPE: slow on CPU',
    source: { kind: 'hub', repo: 'FacebookAI/roberta-base', revision: 'main', oneOf: BPE_TOKENIZER },
    files: textFiles('bpe'),
  },
  {
    id: 'nn-sentiment',
    aliases: [],
    architecture: 'keras-bigru',
    task: 'text-classification',
    params: 1_508_763, // Embedding 30000×50, bidirectional GRU 2×20, dense head
    approxBytes: 4_256 + 526_520 + 4_194_304 + 1_840_748,
    licence: 'mit',
    description: 'Small English sentiment network (Keras, bidirectional GRU): the built-in text default',
    source: { kind: 'builtin', packageName: 'nn-sentiment', packageVersion: '1.0.0', pathInPackage: 'static/model' },
    files: [
      { name: 'model.json', required: true, size: 4_256, sha256: '8de1cdcb1667ff991a7010655e23120984c111e768f97ca88284c5689a61ffea' },
      { name: 'word_index.json', required: true, size: 526_520, sha256: '7cea8523eb5fe6740895b54f5fecc228d60eb35fb0d141921c699fee9e60def4' },
      { name: 'group1-shard1of2', required: true, size: 4_194_304, sha256: '222a1c2fb884a03ee11e2a6d589fbb764389f223d8948f3fa99a1db45a02876a' },
      { name: 'group1-shard2of2', required: true, size: 1_840_748, sha256: '866bf817166ac7fcc89d4bcc0ca69490a2c0f087ec5027a0a35448216efc6558' },
    ],
  },
  {
    id: 'mobilenet_v2', // the id src/engine/models/mobileNetSource.ts answers to
    aliases: ['mobilenet-v2', 'mobilenetv2'],
    architecture: 'mobilenet_v2',
    task: 'image-classification',
    params: 2_619_461, // as stored, including batch-norm statistics and nsfwjs's own 5-class head (cut off)
    approxBytes: 106_679 + 3_493_394,
    licence: 'mit',
    description: 'MobileNetV2 image backbone (224×224) from nsfwjs, 8-bit quantised weights, used below its own head',
    source: { kind: 'builtin', packageName: 'nsfwjs', packageVersion: '4.4.0', pathInPackage: 'dist/models/mobilenet_v2' },
    files: [
      { name: 'model.min.js', required: true, size: 106_679, sha256: 'c32f104fd562b08cdff5ed69dfe1209643afa47e792fb12751d2949aa61a397a' },
      { name: 'group1-shard1of1.min.js', required: true, size: 3_493_394, sha256: 'ef2e0a63f7d2c4960b37b024b669313f65d3c45cd59e9042636c55b39de53517' },
    ],
  },
];

/** The catalog entry named by `id` or one of its aliases (case-insensitive, as Hugging Face ids are). */
export function findCatalogEntry(id: string): CatalogEntry | null {
  const wanted = id.toLowerCase();
  return MODEL_CATALOG.find((e) => e.id.toLowerCase() === wanted || e.aliases.some((a) => a.toLowerCase() === wanted)) ?? null;
}

/** Files assumed for a Hugging Face BERT-family repository that is not in the catalog. */
export function defaultHubFiles(): { files: CatalogFile[]; oneOf: string[][] } {
  const files = textFiles('wordpiece');
  files.splice(files.length - 1, 0, { name: 'vocab.json', required: false }, { name: 'merges.txt', required: false });
  return { files, oneOf: WORDPIECE_TOKENIZER };
}
