// `finetune --help`.

export const HELP = `finetune: fine-tune pre-trained models on your own data (the engine of the Fine-Tune VS Code extension)

Usage:
  finetune inspect <dataset> [--label COL] [--text COL] [--json]
      Read a CSV/TSV/JSONL/JSON file, or an image folder (one sub-folder of images per class): columns
      and kinds, label, task, problems at their line (and image files at their path).
  finetune train <dataset> [options]
      Fine-tune a base model on the dataset; writes a run folder under .finetune/runs.
        --technique full|features|adapter|lora   (default lora; features for images)
        --model nn-sentiment|mlp|ID|PATH         base model (default: nn-sentiment for text, mlp for tabular;
                                                 ID = a catalog or Hugging Face id, e.g. prajjwal1/bert-tiny;
                                                 PATH = a Hugging Face folder (config.json + model.safetensors
                                                 + tokenizer: BERT, DistilBERT, RoBERTa) or a TF.js Layers folder)
        --label COL --text COL                   columns (default: inferred, and said)
        --epochs N --lr X --batch-size N --seed N --patience N
        --optimizer adam|adamw --weight-decay X --class-weights none|balanced
        --rank R --alpha A --targets a,b         LoRA rank, alpha, target layers (or adapter positions);
                                                 Hugging Face models also take q,k,v,o,ffn or module names
                                                 (query, value, …; default LoRA q,v, adapters o,ffn)
        --adapter-size N                         adapter bottleneck width
        --max-length N                           tokens per text (Hugging Face models: default 128, at most
                                                 what the model's positions allow; nn-sentiment: 100)
        --image-size N --cut-layer NAME          images (model mobilenet_v2, the default for image folders and
                                                 CSV/JSONL files with an image-path column): side in pixels, a
                                                 multiple of 32 (default 224); the backbone layer whose pooled
                                                 output is the features (default block_13_expand_relu)
        --frozen-prefix auto|off|inference       LoRA/adapters: compute the frozen layers below the trained ones
                                                 once per example and train from that cache (default auto: only
                                                 where results stay the same; inference: also a frozen part with
                                                 dropout, run in inference mode)
        --backend tensorflow-gpu|webgpu|tensorflow|wasm|cpu
        --name TEXT --runs-dir DIR --in-process --json --verbose
  finetune resume <run> [--epochs N]
      Continue a stopped or interrupted run exactly where it was; --epochs N trains N more epochs.
  finetune eval <run> [--dataset FILE [--name NAME]] [--checkpoint best|last]
      Evaluate a checkpoint on the run's test split, or on another file with the same columns, stored
      as the run's named evaluation evaluations/NAME.json (NAME defaults to the file name).
  finetune sweep <dataset> [--techniques full,features,adapter,lora|all] [--grid P=V1,V2 [--grid P=...]]
                 [--metric NAME] [train options]
      Train several techniques on the same split and seed, one run after another, and print the
      trade-off of test metric against trainable parameters and training time. --grid varies one or
      two of lr, rank, alpha, epochs, batch-size, adapter-size (rank/alpha: lora only; adapter-size:
      adapter only). Writes .finetune/runs/sweeps/<id>.json and <id>.md. Ctrl-C stops the sweep.
  finetune compare <run> <run> ... [--out FILE] [--all-settings] [--evaluation NAME]
      Markdown comparison: metrics side by side, settings that differ, overlaid curves (SVG pictures
      written beside FILE). Without --out, the Markdown goes to stdout without pictures.
  finetune predict <run> <text | JSON object | file>
  finetune runs [--json]
  finetune export <run> --format tfjs|hf|peft [--merge] [--out DIR] [--checkpoint best|last]
      tfjs: TF.js Layers model (+ tokenizer files); --merge folds LoRA in. hf: Hugging Face encoder runs as
      model.safetensors + config.json (*ForSequenceClassification names, LoRA merged) + tokenizer; not for
      adapter runs. peft: LoRA runs as a PEFT adapter (adapter_config.json + adapter_model.safetensors).
  finetune doctor [--json] [--verbose] [--quick]
      GPU check: GPUs seen (nvidia-smi, WebGPU adapters), which backends load and why not, one
      training step timed on each, the fix for each failure, and the backend a run would use.
      --quick: no step timings (a second or two; what the setup panel's device line uses).
  finetune models [--json] [--cache DIR]
      The catalog of base models: id, architecture, parameters, size, licence, and whether it is cached.
  finetune models download <id> [--mirror URL] [--cache DIR] [--json]
      Fetch a catalog model or any Hugging Face id (org/name[@revision]) into the cache (resumable,
      checked); prints its folder. A model in the Hugging Face cache is used as it is.

<run> is a run id, a unique prefix of one, a run folder, or "latest".
Environment: FINETUNE_RUNS_DIR (default ./.finetune/runs), FINETUNE_BACKEND (force a backend),
FINETUNE_WEBGPU_ALLOW_SOFTWARE=1 (accept a software WebGPU adapter), FINETUNE_WEBGPU_VIA=auto|default|opengl,
FINETUNE_FAST_PATHS=0 (CPU fast paths off in train, eval, predict and export: slower, same results),
FINETUNE_WORKERS=auto|0|1|N (multi-core training on wasm/cpu: auto times both ways; 0/1 one thread; N shards).
Models: FINETUNE_CACHE (default ~/.cache/finetune), FINETUNE_MODEL_MIRROR or HF_ENDPOINT (default
https://huggingface.co), FINETUNE_OFFLINE=1 or HF_HUB_OFFLINE=1 (cached models only), HF_TOKEN (gated models),
HF_HOME / HF_HUB_CACHE (where the Hugging Face cache is).
Exit codes: 0 done, 1 error, 2 usage, 130 stopped (resume continues).
`;
