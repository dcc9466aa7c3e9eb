// pulsar-flex ships no type declarations; the interop test describes the small part it uses.
declare module 'pulsar-flex';
