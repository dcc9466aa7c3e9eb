/**
 * The namespace's message-priority policy (a Magnetar extension, docs/design/0006): whether Shared
 * and Key_Shared subscriptions of its topics deliver higher `magnetar.priority` levels first, and
 * the weighted share of deliveries each level gets while several levels wait.
 */
import { preconditionFailed } from '../errors.js';
import { asArray, asBool, asInt, asObject, optionalField, requiredField } from './json-fields.js';

/** Levels 0 (lowest) to 9 (highest). */
export const PRIORITY_LEVELS = 10;
/** Largest weight a level may have (keeps the credit arithmetic far from float limits). */
export const MAX_PRIORITY_WEIGHT = 1_000_000;

export interface PriorityPolicy {
  enabled: boolean;
  /** One weight per level, 1 to MAX_PRIORITY_WEIGHT; absent means the default (doubling per level). */
  weights?: number[];
}

/** 1, 2, 4, … 512: each level gets twice the share of the one below. */
export function defaultPriorityWeights(): number[] {
  return Array.from({ length: PRIORITY_LEVELS }, (_, i) => 2 ** i);
}

export function parsePriorityPolicy(value: unknown, where = 'priority'): PriorityPolicy {
  const o = asObject(value, where);
  const out: PriorityPolicy = { enabled: requiredField(o, 'enabled', where, asBool) };
  const weights = optionalField(o, 'weights', where, (v, w) => asArray(v, w, asInt));
  if (weights !== undefined) out.weights = weights;
  return out;
}

/** Ten weights, each 1 to MAX_PRIORITY_WEIGHT (412 otherwise, as other range rules). */
export function checkPriorityPolicy(p: PriorityPolicy): void {
  const w = p.weights;
  if (w === undefined) return;
  if (w.length !== PRIORITY_LEVELS) {
    throw preconditionFailed(`priority.weights must hold ${PRIORITY_LEVELS} weights, one per level 0-9`);
  }
  if (w.some((x) => x < 1 || x > MAX_PRIORITY_WEIGHT)) {
    throw preconditionFailed(`priority.weights must each be from 1 to ${MAX_PRIORITY_WEIGHT}`);
  }
}
