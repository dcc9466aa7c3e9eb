/**
 * A cluster's entry (Pulsar's ClusterData): where its brokers' web service and binary protocol
 * listen. Only the fields Magnetar uses are kept; other fields of a request body are ignored.
 */
import { badRequest } from './errors.js';
import { asObject, asString, asStringArray, optionalField } from './policies/json-fields.js';

export interface ClusterData {
  serviceUrl?: string;
  serviceUrlTls?: string;
  brokerServiceUrl?: string;
  brokerServiceUrlTls?: string;
  peerClusterNames?: string[];
}

/** Allowed URL schemes per field and the message of Pulsar's ClusterData.checkPropertiesIfPresent. */
const URL_RULES: [keyof ClusterData, string, string][] = [
  ['serviceUrl', 'http:', 'Illegal service url, example: http://pulsar.example.com:8080'],
  ['serviceUrlTls', 'https:', 'Illegal service tls url, example: https://pulsar.example.com:8443'],
  ['brokerServiceUrl', 'pulsar:', 'Illegal broker service url, example: pulsar://pulsar.example.com:6650'],
  [
    'brokerServiceUrlTls',
    'pulsar+ssl:',
    'Illegal broker service tls url, example: pulsar+ssl://pulsar.example.com:6651',
  ],
];

/** Reads a request body or stored value; empty strings count as absent. Throws 400. */
export function parseClusterData(value: unknown): ClusterData {
  const o = asObject(value, 'cluster data');
  const out: ClusterData = {};
  for (const [key, scheme, message] of URL_RULES) {
    const url = optionalField(o, key, '', asString);
    if (url === undefined || url.trim() === '') continue;
    if (!hasScheme(url, scheme)) throw badRequest(message);
    (out as Record<string, unknown>)[key] = url;
  }
  const peers = optionalField(o, 'peerClusterNames', '', asStringArray);
  if (peers !== undefined) out.peerClusterNames = [...new Set(peers)];
  return out;
}

function hasScheme(url: string, scheme: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === scheme && u.hostname !== '';
  } catch {
    return false;
  }
}
