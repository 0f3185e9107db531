// Hyper-parameters with their fine-tuning defaults and a short explanation each; the advanced ones
// in a collapsed group that opens by itself when one of them has an error.

import type { ClassWeightsName, NumberField, OptimizerName, ScheduleName, SetupState } from '../../src/protocol/setupPanelProtocol';
import { h, setValue, toggleAttr, uid, valueOf } from './dom';
import { issueSlot, type IssueSlot } from './issues';
import { sendChange } from './messages';
import type { Section } from './datasetSection';

interface NumberSpec {
  field: NumberField;
  label: string;
  help: string;
  /** Shown only for this technique / optimizer. */
  only?: (state: SetupState) => boolean;
}

const BASIC: NumberSpec[] = [
  { field: 'epochs', label: 'Epochs', help: 'Passes over the training rows. Fine-tuning needs few; early stopping may end sooner.' },
  { field: 'learningRate', label: 'Learning rate', help: 'Step size of the optimizer: low for full fine-tuning, higher when only small new weights train.' },
  { field: 'batchSize', label: 'Batch size', help: 'Rows per training step: larger is faster per epoch and smoother, and needs more memory.' },
  { field: 'loraRank', label: 'LoRA rank (r)', help: 'Rank of the update B·A: more capacity, more trainable parameters.', only: (s) => s.options.technique === 'lora' },
  { field: 'loraAlpha', label: 'LoRA alpha', help: 'Scale of the update: it is multiplied by alpha / r.', only: (s) => s.options.technique === 'lora' },
  { field: 'adapterSize', label: 'Adapter size', help: 'Width of each bottleneck: more capacity, more trainable parameters.', only: (s) => s.options.technique === 'adapter' },
  { field: 'patience', label: 'Early-stopping patience', help: 'Validations without a better validation loss before training stops; 0 trains every epoch.' },
  { field: 'seed', label: 'Seed', help: 'Fixes the split, the new weights and the data order: the same seed reproduces the run.' },
];

const ADVANCED: NumberSpec[] = [
  { field: 'weightDecay', label: 'Weight decay', help: 'AdamW pulls every weight toward zero by this fraction of the step.', only: (s) => s.options.optimizer === 'adamw' },
  { field: 'warmupRatio', label: 'Warm-up', help: 'Fraction of all steps during which the learning rate rises from 0.' },
  { field: 'clipNorm', label: 'Gradient clip norm', help: 'Scales the gradients down when their global norm exceeds this; 0 turns clipping off.' },
  { field: 'validationFraction', label: 'Validation fraction', help: 'Share of the rows held out to pick the best checkpoint and stop early.' },
  { field: 'testFraction', label: 'Test fraction', help: 'Share of the rows held out for the final evaluation.' },
];

interface NumberControl {
  spec: NumberSpec;
  wrap: HTMLElement;
  input: HTMLElement;
  issues: IssueSlot;
}

function numberControl(spec: NumberSpec): NumberControl {
  const id = `field-${spec.field}`;
  const input = h('vscode-text-field', { id, 'aria-label': spec.label, inputmode: 'decimal', size: '10' }, spec.label);
  const issues = issueSlot([spec.field], `${id}-issues`, input);
  input.addEventListener('input', () => sendChange({ field: 'number', name: spec.field, value: valueOf(input) }));
  const wrap = h('div', { class: 'field' }, input, h('p', { class: 'help' }, spec.help), issues.element);
  return { spec, wrap, input, issues };
}

interface ChoiceSpec<T extends string> {
  label: string;
  help: string;
  options: { value: T; text: string }[];
  read: (state: SetupState) => T;
  change: (value: T) => void;
}

function choiceControl<T extends string>(spec: ChoiceSpec<T>): { wrap: HTMLElement; update(state: SetupState): void } {
  const labelId = uid('label');
  const select = h('vscode-dropdown', { 'aria-labelledby': labelId, position: 'below' }, ...spec.options.map((o) => h('vscode-option', { value: o.value }, o.text)));
  select.addEventListener('change', () => {
    const value = spec.options.find((o) => o.value === valueOf(select))?.value;
    if (value !== undefined) spec.change(value);
  });
  const wrap = h('div', { class: 'field' }, h('label', { id: labelId, class: 'field-label' }, spec.label), select, h('p', { class: 'help' }, spec.help));
  return { wrap, update: (state) => setValue(select, spec.read(state)) };
}

export function hyperSection(): Section {
  const basic = BASIC.map(numberControl);
  const advanced = ADVANCED.map(numberControl);
  const optimizer = choiceControl<OptimizerName>({
    label: 'Optimizer',
    help: 'AdamW decays the weights apart from the gradient step; Adam does not decay them.',
    options: [
      { value: 'adamw', text: 'AdamW' },
      { value: 'adam', text: 'Adam' },
    ],
    read: (s) => s.options.optimizer,
    change: (value) => sendChange({ field: 'optimizer', value }),
  });
  const schedule = choiceControl<ScheduleName>({
    label: 'Learning-rate schedule',
    help: 'After warm-up: linear decay to 0, cosine decay, or constant.',
    options: [
      { value: 'linear', text: 'Linear decay' },
      { value: 'cosine', text: 'Cosine decay' },
      { value: 'constant', text: 'Constant' },
    ],
    read: (s) => s.options.schedule,
    change: (value) => sendChange({ field: 'schedule', value }),
  });
  const classWeights = choiceControl<ClassWeightsName>({
    label: 'Class weights',
    help: 'Balanced gives rare classes more weight in the loss, for imbalanced labels.',
    options: [
      { value: 'none', text: 'None' },
      { value: 'balanced', text: 'Balanced' },
    ],
    read: (s) => s.options.classWeights,
    change: (value) => sendChange({ field: 'classWeights', value }),
  });
  const reset = h('vscode-button', { appearance: 'secondary' }, 'Reset to Defaults');
  reset.addEventListener('click', () => sendChange({ field: 'defaults' }));
  const details = h(
    'details',
    { class: 'advanced' },
    h('summary', {}, 'Advanced: optimizer, schedule, clipping, split, class weights'),
    h('div', { class: 'fields' }, optimizer.wrap, advanced[0].wrap, advanced[1].wrap, schedule.wrap, advanced[2].wrap, advanced[3].wrap, advanced[4].wrap, classWeights.wrap),
  );
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'hyper-heading' },
    h('div', { class: 'heading-row' }, h('h2', { id: 'hyper-heading' }, 'Hyper-parameters'), reset),
    h('div', { class: 'fields' }, ...basic.map((c) => c.wrap)),
    details,
  );
  const all = [...basic, ...advanced];
  return {
    element,
    update(state) {
      const enabled = state.dataset.status === 'ready';
      for (const c of all) {
        setValue(c.input, state.options.numbers[c.spec.field]);
        toggleAttr(c.wrap, 'hidden', c.spec.only ? !c.spec.only(state) : false);
        toggleAttr(c.input, 'disabled', !enabled);
        c.issues.update(state.issues);
      }
      optimizer.update(state);
      schedule.update(state);
      classWeights.update(state);
      const advancedError = state.issues.some((i) => i.severity === 'error' && advanced.some((c) => c.spec.field === i.field && !c.wrap.hidden));
      if (advancedError && details instanceof HTMLDetailsElement) details.open = true;
    },
  };
}
