/* eslint-disable @typescript-eslint/no-explicit-any */
import { lua } from '../fengari.ts';
export function openBit(L: any): void {
  lua.lua_createtable(L, 0, 0);
  lua.lua_setglobal(L, 'bit');
}
