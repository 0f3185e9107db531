// Typed messages from the setup webview to the host.

import type { OptionChange, SetupRequest } from '../../src/protocol/setupPanelProtocol';
import { vscodeApi } from '../shared/vscodeApi';

export type Send = (request: SetupRequest) => void;

export const send: Send = (request) => vscodeApi().postMessage(request);

export function sendChange(change: OptionChange): void {
  send({ type: 'setup/changeOptions', payload: { change } });
}
