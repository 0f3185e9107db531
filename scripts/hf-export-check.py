"""Loads the exports written by scripts/hf-export-check.ts with Hugging Face transformers (and peft) and
compares their class probabilities with ours (expected.json): prints a JSON report, max abs diffs and
loading info (missing / unexpected keys).
"""
import json, sys, traceback
import torch, transformers
from transformers import AutoModelForSequenceClassification
d = sys.argv[1] if len(sys.argv) > 1 else 'hf-export-check'
exp = json.load(open(f'{d}/expected.json'))
out = {'transformers': transformers.__version__, 'torch': torch.__version__}
try:
    import peft
    out['peft'] = peft.__version__
except Exception as e:
    peft = None
    out['peft'] = f'unavailable: {e}'
for case in exp['cases']:
    res = {}
    try:
        ids = torch.tensor(case['ids']).long()
        mask = (ids != case['pad']).long()
        want = torch.tensor(case['probs'])
        m, info = AutoModelForSequenceClassification.from_pretrained(f"{d}/{case['hf']}", output_loading_info=True)
        res['class'] = type(m).__name__
        res['loading_info'] = {k: list(v) for k, v in info.items() if len(v) > 0}
        m.eval()
        with torch.no_grad():
            probs = m(input_ids=ids, attention_mask=mask).logits.softmax(-1)
        res['hf_max_abs_diff'] = (probs - want).abs().max().item()
        res['id2label'] = m.config.id2label
        if case['peft'] and peft is not None:
            base = AutoModelForSequenceClassification.from_pretrained(f"{d}/{case['base']}", num_labels=want.shape[1])
            pm = peft.PeftModel.from_pretrained(base, f"{d}/{case['peft']}")
            pm.eval()
            with torch.no_grad():
                p2 = pm(input_ids=ids, attention_mask=mask).logits.softmax(-1)
            res['peft_max_abs_diff'] = (p2 - want).abs().max().item()
            res['peft_lora_modules'] = sum(1 for n, _ in pm.named_modules() if n.endswith('lora_A'))
            merged = pm.merge_and_unload()
            with torch.no_grad():
                p3 = merged(input_ids=ids, attention_mask=mask).logits.softmax(-1)
            res['peft_merged_vs_hf'] = (p3 - probs).abs().max().item()
    except Exception:
        res['error'] = traceback.format_exc()[-1500:]
    out[case['name']] = res
print(json.dumps(out, indent=1))
