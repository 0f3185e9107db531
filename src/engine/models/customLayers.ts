// Imports every custom layer class for its registration side effect, so any saved model
// (checkpoint, export) that contains one loads back.

import './bidirectionalGru';
import './lstm';
import './bidirectionalLstm';
import '../techniques/loraDense';
import '../techniques/adapterLayer';
import './hf/hfEmbeddings';
import './hf/hfSelfAttention';
import './hf/hfDropout';
import './hf/hfFirstToken';
import './hf/hfLayerNorm';

export const CUSTOM_LAYER_CLASSES = [
  'FtBidirectionalGru',
  'FtLstm',
  'FtBidirectionalLstm',
  'LoraDense',
  'BottleneckAdapter',
  'HfEmbeddings',
  'HfSelfAttention',
  'HfDropout',
  'HfFirstToken',
  'HfLayerNorm',
] as const;
