#!/usr/bin/env python3
"""Writes tiny random Hugging Face checkpoints and their outputs, as a reference for our loaders.

Run where `transformers` and `torch` are installed (the lent GPU machine has them; no network
needed): python3 scripts/hf-reference.py OUT_DIR. For each model folder it writes what
`save_pretrained` writes (config.json, model.safetensors, tokenizer files for BERT) plus
reference.json: input ids, attention masks, logits and the last hidden state in eval mode (no
dropout), computed by transformers itself. The folders are committed under test/fixtures/hf-reference
and test/unit/hf compares our encoders against them.
"""
import json
import os
import sys

import torch
import transformers
from transformers import (BertConfig, BertForSequenceClassification,
                          DistilBertConfig, DistilBertForSequenceClassification,
                          RobertaConfig, RobertaForSequenceClassification)

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)

WORDS = ["the", "movie", "was", "great", "awful", "i", "loved", "hated", "it", "film", "plot",
         "acting", "good", "bad", "very", "not", "un", "##believ", "##able", "story", ",", ".", "!",
         "café", "really", "boring", "fun", "and", "but", "so", "##s", "##ing", "actor", "end"]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
VOCAB = SPECIAL + WORDS + [f"w{i}" for i in range(99 - len(SPECIAL) - len(WORDS))]
SENTENCES = ["The movie was GREAT!", "I hated it, the plot was unbelievable.", "café and fun",
             "not so good but really not bad either", "zebra"]

def save_reference(model, folder, ids, mask, extra=None):
    model.eval()
    with torch.no_grad():
        res = model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
    ref = {
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "input_ids": ids.tolist(),
        "attention_mask": mask.tolist(),
        "logits": res.logits.float().tolist(),
        "last_hidden_state": res.hidden_states[-1].float().tolist(),
    }
    if extra:
        ref.update(extra)
    with open(os.path.join(folder, "reference.json"), "w") as f:
        json.dump(ref, f)

def batch(pad_id, lengths, seq, low, high, first=None, last=None):
    ids = torch.full((len(lengths), seq), pad_id, dtype=torch.long)
    mask = torch.zeros((len(lengths), seq), dtype=torch.long)
    g = torch.Generator().manual_seed(1)
    for r, n in enumerate(lengths):
        ids[r, :n] = torch.randint(low, high, (n,), generator=g)
        if first is not None:
            ids[r, 0] = first
        if last is not None:
            ids[r, n - 1] = last
        mask[r, :n] = 1
    return ids, mask

# BERT, with a real WordPiece tokenizer built by the `tokenizers` library (the Rust library behind
# transformers' fast tokenizers; transformers 5's BertTokenizer(vocab_file=...) ignores the file).
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
bert_dir = os.path.join(out, "bert")
os.makedirs(bert_dir, exist_ok=True)
with open(os.path.join(bert_dir, "vocab.txt"), "w") as f:
    f.write("\n".join(VOCAB) + "\n")
wp = Tokenizer(models.WordPiece(vocab={t: i for i, t in enumerate(VOCAB)}, unk_token="[UNK]", max_input_chars_per_word=100))
wp.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=True)
wp.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
wp.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
                                                  special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
wp.enable_truncation(max_length=12)
wp.enable_padding(length=12, pad_id=0, pad_token="[PAD]")
wp.save(os.path.join(bert_dir, "tokenizer.json"))
encs = wp.encode_batch(SENTENCES)
sent_ids = torch.tensor([e.ids for e in encs])
sent_mask = torch.tensor([e.attention_mask for e in encs])
rand_ids, rand_mask = batch(0, [12, 7, 3], 12, 5, len(VOCAB), first=2, last=3)
bert = BertForSequenceClassification(BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=2,
                                                num_attention_heads=4, intermediate_size=37,
                                                max_position_embeddings=64, num_labels=3))
bert.save_pretrained(bert_dir, safe_serialization=True)
ids = torch.cat([sent_ids, rand_ids])
mask = torch.cat([sent_mask, rand_mask])
save_reference(bert, bert_dir, ids, mask,
               {"sentences": SENTENCES, "max_length": 12, "tokens": [e.tokens for e in encs]})
enc = {"input_ids": ids, "attention_mask": mask}

# The same BERT stored in bfloat16 (weights rounded); reference computed in float32 from them.
bf16_dir = os.path.join(out, "bert-bf16")
bert.to(torch.bfloat16).save_pretrained(bf16_dir, safe_serialization=True)
back = BertForSequenceClassification.from_pretrained(bf16_dir).float()
save_reference(back, bf16_dir, enc["input_ids"], enc["attention_mask"])

# DistilBERT.
distil_dir = os.path.join(out, "distilbert")
distil = DistilBertForSequenceClassification(DistilBertConfig(vocab_size=99, dim=32, n_layers=2, n_heads=4,
                                                              hidden_dim=37, max_position_embeddings=64,
                                                              num_labels=2))
distil.save_pretrained(distil_dir, safe_serialization=True)
ids, mask = batch(0, [9, 5, 12], 12, 5, 99, first=2, last=3)
save_reference(distil, distil_dir, ids, mask)

# RoBERTa (pad id 1, positions start after padding_idx).
roberta_dir = os.path.join(out, "roberta")
roberta = RobertaForSequenceClassification(RobertaConfig(vocab_size=99, hidden_size=32, num_hidden_layers=2,
                                                         num_attention_heads=4, intermediate_size=37,
                                                         max_position_embeddings=66, type_vocab_size=1,
                                                         pad_token_id=1, bos_token_id=0, eos_token_id=2,
                                                         num_labels=2))
roberta.save_pretrained(roberta_dir, safe_serialization=True)
ids, mask = batch(1, [12, 4, 8], 12, 5, 99, first=0, last=2)
save_reference(roberta, roberta_dir, ids, mask)

print("wrote", sorted(os.listdir(out)), "with transformers", transformers.__version__)
