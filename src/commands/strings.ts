import type { HandlerTable } from './types.ts';

export const commands: HandlerTable = {};
