// Imports every custom layer class for its registration side effect, so any saved model
// (checkpoint, export) that contains one loads back.

import './bidirectionalGru';
import '../techniques/loraDense';
import '../techniques/adapterLayer';

export const CUSTOM_LAYER_CLASSES = ['FtBidirectionalGru', 'LoraDense', 'BottleneckAdapter'] as const;
