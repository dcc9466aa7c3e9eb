/** A tenant's entry (Pulsar's TenantInfoImpl): who administers it and which clusters it may use. */
import { asObject, asStringArray, field } from './policies/json-fields.js';

export interface TenantInfo {
  adminRoles: string[];
  allowedClusters: string[];
}

/** Reads a request body or stored value; missing lists are empty, duplicates dropped (Pulsar keeps Sets). Throws 400. */
export function parseTenantInfo(value: unknown): TenantInfo {
  const o = asObject(value, 'tenant info');
  return {
    adminRoles: [...new Set(field(o, 'adminRoles', '', asStringArray, []))],
    allowedClusters: [...new Set(field(o, 'allowedClusters', '', asStringArray, []))],
  };
}
